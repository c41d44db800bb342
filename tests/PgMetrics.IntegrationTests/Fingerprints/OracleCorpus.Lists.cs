namespace PgMetrics.IntegrationTests.Fingerprints;

public static partial class OracleCorpus
{
    private static string Numbers(int count) => string.Join(", ", Enumerable.Range(1, count));

    private static IEnumerable<OracleStatement> Lists =>
    [
        S("SELECT * FROM t WHERE a IN (1)"),
        S("SELECT * FROM t WHERE a IN (1, 2)"),
        S($"SELECT * FROM t WHERE a IN ({Numbers(10)}) AND id NOT IN ({Numbers(3)})"),
        S($"SELECT * FROM t WHERE a IN ({Numbers(100)})"),
        S("SELECT * FROM t WHERE b IN ('a', 'b', 'c') AND c IN (1.5, 2, -3) AND a IN (-1, - 2, +3)"),
        S("SELECT * FROM t WHERE a IN (1::int, 2::int) AND b IN ('x'::text, CAST('y' AS text), 'z'::varchar(3))"),
        S("SELECT * FROM t WHERE d IN (DATE '2024-01-01', DATE '2024-01-02') AND ts IN (timestamptz '2024-01-01', '2024-01-02'::timestamptz)"),
        S("SELECT * FROM t WHERE c IN (numeric(10,2) '1.5', 2) AND ts - now() IN (interval '1' day, interval '2 days')"),
        S("SELECT * FROM t WHERE a IN (NULL, 1) AND flag IN (true, false)"),
        S("SELECT * FROM t WHERE a IN (a, 1) AND b IN ('a' COLLATE \"C\", 'b') AND a IN (1 + 1, 2)"),
        S("SELECT * FROM t WHERE a IN (SELECT 1) AND (a, b) IN ((1, 'x'), (2, 'y'))"),
        S("SELECT * FROM t WHERE a IN (-5::int, 6)"),
        S("SELECT ARRAY[1, 2, 3], ARRAY['a', 'b'], ARRAY[1::int, 2::int], ARRAY[1]"),
        S("SELECT ARRAY[[1, 2], [3, 4]], ARRAY[]::int[], ARRAY[a, 1], arr[1], arr[1:2], arr || ARRAY[5], ARRAY[1, 2]::bigint[] FROM t"),
        S($"SELECT * FROM t WHERE a = ANY(ARRAY[{Numbers(20)}]) AND a = ANY('{{1,2,3}}') AND a <> ALL(ARRAY[7, 8]) AND b = ANY(ARRAY['a'::varchar(3), 'b'])"),
        S("INSERT INTO t3 VALUES (40, 'a', 2)"),
        S("INSERT INTO t3 VALUES (2, 'a', 2), (3, 'b', 4), (4, 'c', 5)"),
        S("INSERT INTO t3 VALUES (5, DEFAULT, 3), (DEFAULT, 'b', 4), (6, 'c', - 6)"),
        S("INSERT INTO t3 (a, b) VALUES (7, DEFAULT), (8, DEFAULT), (9, 'x')"),
        S("INSERT INTO t3 (a) VALUES (10), (11)"),
        S("INSERT INTO t4 SELECT * FROM (VALUES (1), (2), (3)) v"),
        S("INSERT INTO t3 (b) VALUES (U&'d!0061t' UESCAPE '!'), ('x'), ('con'\n'tinued')"),
        S("SELECT * FROM (VALUES (interval '1' day, -1), (interval '2' hour, - 2)) AS v(i, n)"),
        S("SELECT * FROM t WHERE b IN ('con'\n 'tinued', E'x', U&'y' UESCAPE '!') AND a = ANY($1::int[])") with { Parameters = [new[] { 1 }] },
    ];

    private static IEnumerable<OracleStatement> Parameters =>
    [
        S("SELECT * FROM t WHERE a = $1 AND b = $2") with { Parameters = [5, "x"] },
        S("SELECT * FROM t WHERE a = $1 OR id = $1") with { Parameters = [5] },
        S("SELECT * FROM t WHERE a = $2 AND id = $1 AND c > 1.5") with { Parameters = [1, 2] },
        S("SELECT * FROM t WHERE a IN ($1, $2, $3)") with { Parameters = [1, 2, 3] },
        S("SELECT * FROM t WHERE a IN ($1, 2, $2) AND id = $1") with { Parameters = [1, 3] },
        S("SELECT * FROM t WHERE a = ANY($1) AND b <> 'z'") with { Parameters = [new[] { 1, 2 }] },
        S("SELECT $1::int + 5, 'x' || $2, $1") with { Parameters = [1, "y"] },
        S("INSERT INTO t3 VALUES ($1, $2, $3), ($4, DEFAULT, $5)") with { Parameters = [20, "a", 1, 21, 2] },
        S("UPDATE t SET b = $2 WHERE id = $1 AND arr = ARRAY[$1, $1]") with { Parameters = [1, "q"] },
        S("PREPARE pa(int) AS SELECT * FROM t WHERE a = $1 OR id = $1") with { After = ["EXECUTE pa(1)"] },
        S("PREPARE pb(int, int) AS SELECT * FROM t WHERE a IN ($2, $1) OR id = $1 OR c = 5") with { After = ["EXECUTE pb(1, 2)"] },
        S("PREPARE pc(int) AS SELECT * FROM t WHERE a IN (1, 2) OR id = $1 OR b = $1::text") with { After = ["EXECUTE pc(1)"] },
        S("PREPARE pd(int) AS INSERT INTO t3 VALUES ($1, 'x', $1), (30, DEFAULT, $1)") with { After = ["EXECUTE pd(31)"] },
    ];
}
