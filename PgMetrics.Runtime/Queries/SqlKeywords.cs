namespace PgMetrics.Runtime.Queries;

/// <summary>
/// PostgreSQL keywords written in upper case by the normalizer (other unquoted words are folded to lower
/// case, as the server folds them), and the word classes the tokenizer and constant rules need.
/// </summary>
internal static class SqlKeywords
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "ABORT", "ALL", "ALTER", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC", "BEGIN", "BETWEEN", "BY", "CALL", "CASCADE", "CASE", "CAST",
        "CHECK", "CHECKPOINT", "CLUSTER", "COLLATE", "COLUMN", "COMMENT", "COMMIT", "CONCURRENTLY", "CONFLICT", "CONSTRAINT", "COPY", "CREATE",
        "CROSS", "CURRENT", "CURSOR", "DATABASE", "DATE", "DEALLOCATE", "DECLARE", "DEFAULT", "DELETE", "DESC", "DISCARD", "DISTINCT", "DO",
        "DROP", "ELSE", "END", "EXCEPT", "EXECUTE", "EXISTS", "EXPLAIN", "EXTENSION", "FALSE", "FETCH", "FILTER", "FIRST", "FOR", "FOREIGN",
        "FROM", "FULL", "FUNCTION", "GRANT", "GROUP", "HAVING", "ILIKE", "IN", "INDEX", "INNER", "INSERT", "INTERSECT", "INTERVAL", "INTO",
        "IS", "JOIN", "KEY", "LAST", "LATERAL", "LEFT", "LIKE", "LIMIT", "LISTEN", "LOCK", "MATERIALIZED", "MERGE", "NATURAL", "NOT", "NOTHING",
        "NOTIFY", "NOWAIT", "NULL", "NULLS", "OF", "OFFSET", "ON", "ONLY", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PREPARE", "PRIMARY",
        "PROCEDURE", "REFERENCES", "REFRESH", "REINDEX", "RELEASE", "RESET", "RETURNING", "REVOKE", "RIGHT", "ROLLBACK", "ROW", "ROWS",
        "SAVEPOINT", "SCHEMA", "SELECT", "SEQUENCE", "SET", "SHARE", "SHOW", "SKIP", "SOME", "START", "TABLE", "TEMP", "TEMPORARY", "THEN",
        "TIME", "TIMESTAMP", "TO", "TRANSACTION", "TRIGGER", "TRUE", "TRUNCATE", "UNION", "UNIQUE", "UNLOGGED", "UPDATE", "USING", "VACUUM",
        "VALUES", "VIEW", "WHEN", "WHERE", "WINDOW", "WITH", "WITHOUT", "ZONE",
    };

    // Keywords after which an operand starts, so a minus after them is a sign (SELECT -5, LIMIT - 1), not
    // a subtraction. Only reserved words that cannot end a value: END, a type name or a column named
    // like a keyword could, and after those PostgreSQL reads a binary minus.
    private static readonly HashSet<string> OperandPrecedingKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "BETWEEN", "BY", "CASE", "DEFAULT", "DISTINCT", "ELSE", "ESCAPE", "FOR", "FROM", "HAVING", "ILIKE", "LIKE", "LIMIT", "NOT",
        "OFFSET", "ON", "OR", "RETURN", "RETURNING", "SELECT", "SIMILAR", "SYMMETRIC", "THEN", "TO", "WHEN", "WHERE",
    };

    // Types whose parenthesized integers are type modifiers (varchar(20), numeric(10,2), vector(3)), not
    // constants: the SQL standard's, their internal names, and common extensions' (PostGIS, pgvector).
    private static readonly HashSet<string> TypesWithModifiers = new(StringComparer.OrdinalIgnoreCase)
    {
        "BIT", "BPCHAR", "CHAR", "CHARACTER", "DEC", "DECIMAL", "FLOAT", "GEOGRAPHY", "GEOMETRY", "HALFVEC", "INTERVAL", "NCHAR", "NUMERIC",
        "SPARSEVEC", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "TIMETZ", "VARBIT", "VARCHAR", "VARYING", "VECTOR",
    };

    // Keywords that may be part of a type name (timestamp with time zone, DATE '…') where a list element is read.
    private static readonly HashSet<string> TypeNameKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "DATE", "INTERVAL", "TIME", "TIMESTAMP", "WITH", "WITHOUT", "ZONE",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> SpanLookup = Keywords.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> OperandPrecedingLookup = OperandPrecedingKeywords.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> TypesWithModifiersLookup = TypesWithModifiers.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> TypeNameKeywordsLookup = TypeNameKeywords.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool Contains(string word) => Keywords.Contains(word);

    public static bool Contains(ReadOnlySpan<char> word) => SpanLookup.Contains(word);

    /// <summary>Whether an operand follows this keyword, so a minus after it is a sign.</summary>
    public static bool PrecedesOperand(ReadOnlySpan<char> word) => OperandPrecedingLookup.Contains(word);

    /// <summary>Whether integers in parentheses after this word are type modifiers.</summary>
    public static bool TakesTypeModifiers(ReadOnlySpan<char> word) => TypesWithModifiersLookup.Contains(word);

    /// <summary>Whether this word can be part of a type name: any word that is not a keyword, and the keywords of the SQL types.</summary>
    public static bool CanBeTypeName(ReadOnlySpan<char> word) => !SpanLookup.Contains(word) || TypeNameKeywordsLookup.Contains(word);
}
