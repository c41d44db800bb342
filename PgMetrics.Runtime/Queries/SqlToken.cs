namespace PgMetrics.Runtime.Queries;

internal enum SqlTokenKind : byte
{
    /// <summary>An unquoted identifier or keyword.</summary>
    Word,

    /// <summary>A "quoted identifier", kept as written.</summary>
    QuotedIdentifier,

    /// <summary>Any constant: string, number, bit/hex string, dollar-quoted text.</summary>
    Literal,

    /// <summary>A <c>$n</c> parameter.</summary>
    Parameter,

    /// <summary>An operator or punctuation.</summary>
    Symbol,
}

/// <summary>A token of SQL text, by position, so tokenizing allocates no strings.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length, char First)
{
    public bool IsPunctuation(char c) => Kind == SqlTokenKind.Symbol && Length == 1 && First == c;
}
