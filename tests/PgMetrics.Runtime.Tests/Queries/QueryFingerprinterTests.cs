using PgMetrics.Runtime.Queries;

namespace PgMetrics.Runtime.Tests.Queries;

/// <summary>Normalized text as pg_stat_statements writes it, and fingerprints that group what differs only in constants.</summary>
public sealed class QueryFingerprinterTests
{
    public static TheoryData<string, string> Corpus => new()
    {
        { "SELECT * FROM orders WHERE id = 42", "SELECT * FROM orders WHERE id = $1" },
        { "select name from Customers where email = 'a@b.c' and age > 21.5", "SELECT name FROM customers WHERE email = $1 AND age > $2" },
        { "SELECT E'it\\'s' , 'it''s', $tag$ dollar 'quoted' $tag$, $$x$$", "SELECT $1, $2, $3, $4" },
        { "SELECT B'1010', X'1F', 1e10, .5, 0x1F, 1_000_000", "SELECT $1, $2, $3, $4, $5, $6" },
        { "SELECT DATE '2024-01-01', interval '1 day', '{1,2}'::int[]", "SELECT DATE $1, INTERVAL $2, $3::int[]" },
        { "SELECT * FROM t WHERE a IN (1, 2, 3) AND b IN ('x')", "SELECT * FROM t WHERE a IN ($1 /*, ... */) AND b IN ($2 /*, ... */)" },
        { "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", "INSERT INTO t(a, b) VALUES ($1, $2) /*, ... */" },
        { "SELECT 1 -- trailing comment\n/* block /* nested */ still */ + 2", "SELECT $1 + $2" },
        { "SELECT \"Mixed Case\".\"Col\" FROM \"Mixed Case\"", "SELECT \"Mixed Case\".\"Col\" FROM \"Mixed Case\"" },
        { "SELECT * FROM t WHERE a = $1 AND b = $2", "SELECT * FROM t WHERE a = $1 AND b = $2" },
        { "WITH recent AS (SELECT * FROM orders WHERE placed > now() - interval '7 days') SELECT count(*) FROM recent", "WITH recent AS (SELECT * FROM orders WHERE placed > now() - INTERVAL $1) SELECT count(*) FROM recent" },
        { "SELECT x - 1, -2, a * -3.5", "SELECT x - $1, $2, a * $3" },
        { "CREATE INDEX CONCURRENTLY idx ON orders (customer) WHERE total > 100", "CREATE INDEX CONCURRENTLY idx ON orders(customer) WHERE total > $1" },
        { "VACUUM ANALYZE orders; SELECT 1;", "VACUUM ANALYZE orders; SELECT $1" },
        { "SELECT 'unterminated", "SELECT $1" },
        { "SELECT $tag$ never closed", "SELECT $1" },
        { "   ", "" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Statements_normalize_like_pg_stat_statements(string sql, string expected)
        => Assert.Equal(expected, QueryFingerprinter.Normalize(sql));

    public static TheoryData<string, string> SameStatement => new()
    {
        { "SELECT * FROM orders WHERE id = 1", "select *   from ORDERS where id = 99999 -- other comment" },
        { "SELECT * FROM t WHERE a IN (1, 2)", "SELECT * FROM t WHERE a IN (7, 8, 9, 10, 11)" },
        { "INSERT INTO t VALUES (1, 'a')", "INSERT INTO t VALUES (2, 'b'), (3, 'c')" },
        { "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)", "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3, $4, $5)" },
        { "SELECT E'x', 1.5e3", "SELECT 'y', 2" },
        { "UPDATE t SET a = 'x' WHERE id = 1", "UPDATE t\n   SET a = $$y$$\n WHERE id = -1" },
    };

    [Theory]
    [MemberData(nameof(SameStatement))]
    public void Statements_that_differ_only_in_constants_share_a_fingerprint(string a, string b)
        => Assert.Equal(QueryFingerprinter.Fingerprint(a).Hex, QueryFingerprinter.Fingerprint(b).Hex);

    public static TheoryData<string, string> DifferentStatement => new()
    {
        { "SELECT * FROM orders WHERE id = 1", "SELECT * FROM invoices WHERE id = 1" },
        { "SELECT * FROM orders WHERE id = 1", "SELECT * FROM orders WHERE customer = 1" },
        { "SELECT * FROM orders WHERE id = 1", "SELECT * FROM orders WHERE id > 1" },
        { "SELECT * FROM orders WHERE id = 1", "SELECT * FROM orders WHERE id = 1 ORDER BY id" },
        { "SELECT \"A\" FROM t", "SELECT \"a\" FROM t" },
        { "SELECT a FROM t", "SELECT b FROM t" },
    };

    [Theory]
    [MemberData(nameof(DifferentStatement))]
    public void Statements_with_a_different_structure_do_not_share_a_fingerprint(string a, string b)
        => Assert.NotEqual(QueryFingerprinter.Fingerprint(a).Hex, QueryFingerprinter.Fingerprint(b).Hex);

    [Fact]
    public void The_fingerprint_is_stable_across_processes_and_has_16_hex_characters()
    {
        var fingerprint = QueryFingerprinter.Fingerprint("SELECT * FROM orders WHERE id = 1");

        Assert.Matches("^[0-9a-f]{16}$", fingerprint.Hex);
        Assert.Equal(QueryFingerprinter.Hash("SELECT * FROM orders WHERE id = $1"), fingerprint.Value);
        // FNV-1a 64 over the UTF-16LE bytes of the normalized text, computed independently; pinned so fingerprints never change between releases.
        Assert.Equal("08cc09e952ff7b14", fingerprint.Hex);
    }
}
