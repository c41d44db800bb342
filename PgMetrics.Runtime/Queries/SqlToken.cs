namespace PgMetrics.Runtime.Queries;

internal enum SqlTokenKind : byte
{
    /// <summary>An unquoted identifier or keyword.</summary>
    Word,

    /// <summary>A "quoted identifier", kept as written.</summary>
    QuotedIdentifier,

    /// <summary>Any constant: string, number (with a sign PostgreSQL folds into it), bit/hex string, dollar-quoted text, and words the parser records as constants.</summary>
    Literal,

    /// <summary>A <c>$n</c> parameter.</summary>
    Parameter,

    /// <summary>An operator or punctuation.</summary>
    Symbol,

    /// <summary>An unsigned integer modifying a type, as in <c>varchar(20)</c>: not a constant to PostgreSQL, kept as written.</summary>
    TypeModifier,

    /// <summary>Part of the constant before it (the <c>UESCAPE '…'</c> clause of a <c>U&amp;'…'</c> string); written as nothing.</summary>
    Absorbed,
}

/// <summary>A token of SQL text, by position, so tokenizing allocates no strings.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length, char First)
{
    public int End => Start + Length;

    /// <summary>A constant or a parameter: what the normalized text shows as <c>$n</c>.</summary>
    public bool IsPlaceholder => Kind is SqlTokenKind.Literal or SqlTokenKind.Parameter;

    public bool IsPunctuation(char c) => Kind == SqlTokenKind.Symbol && Length == 1 && First == c;

    public bool IsSymbol(string sql, string symbol) => Kind == SqlTokenKind.Symbol && Length == symbol.Length && string.CompareOrdinal(sql, Start, symbol, 0, Length) == 0;

    /// <summary>Whether this is the unquoted word <paramref name="keyword"/> (given in upper case), in any case.</summary>
    public bool IsWord(string sql, string keyword)
        => Kind == SqlTokenKind.Word && Length == keyword.Length && string.Compare(sql, Start, keyword, 0, Length, StringComparison.OrdinalIgnoreCase) == 0;

    public SqlToken As(SqlTokenKind kind) => this with { Kind = kind };
}
