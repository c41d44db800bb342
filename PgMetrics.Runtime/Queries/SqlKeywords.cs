namespace PgMetrics.Runtime.Queries;

/// <summary>PostgreSQL keywords written in upper case by the normalizer; other unquoted words are folded to lower case, as the server folds them.</summary>
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

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> SpanLookup = Keywords.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool Contains(string word) => Keywords.Contains(word);

    public static bool Contains(ReadOnlySpan<char> word) => SpanLookup.Contains(word);
}
