using PgMetrics.Runtime.Queries;

namespace PgMetrics.Runtime.Tests.Queries;

/// <summary>
/// The kinds of statement whose fingerprint disagreed with pg_stat_statements, each with its right
/// normalized text, and each paired with the text pg_stat_statements keeps for it (as PostgreSQL 12–18
/// wrote it for the oracle test), which must share the statement's fingerprint.
/// </summary>
public sealed class FingerprintKindTests
{
    public static TheoryData<string, string> RightValues => new()
    {
        // EXTRACT(field FROM …): PostgreSQL records the field as a constant.
        { "SELECT EXTRACT(YEAR FROM ts), extract(epoch from ts), EXTRACT('dow' FROM ts) FROM t", "SELECT extract($1 FROM ts), extract($2 FROM ts), extract($3 FROM ts) FROM t" },

        // Boolean and NULL constants; tests of them are not constants.
        { "SELECT TRUE, false, NULL FROM t WHERE a IS NULL AND b IS NOT TRUE AND c IS DISTINCT FROM NULL AND d = NULL", "SELECT $1, $2, $3 FROM t WHERE a IS NULL AND b IS NOT TRUE AND c IS DISTINCT FROM NULL AND d = $4" },
        { "ALTER TABLE t ADD COLUMN x int NOT NULL DEFAULT NULL", "ALTER TABLE t add COLUMN x int NOT NULL DEFAULT $1" },

        // Lists whose elements carry casts collapse, casts and all, as PostgreSQL 18 squashes them.
        { "SELECT * FROM t WHERE a IN (1::int, 2::int) AND b = ANY(ARRAY['x'::text, CAST('y' AS text)]) AND d IN (DATE '2024-01-01', DATE '2024-01-02')", "SELECT * FROM t WHERE a IN ($1 /*, ... */) AND b = ANY (ARRAY[$2 /*, ... */]) AND d IN ($3 /*, ... */)" },
        { "SELECT ARRAY[[1, 2], [3, 4]], ARRAY[a, 1] FROM t", "SELECT ARRAY[[$1 /*, ... */],[$2 /*, ... */]], ARRAY[a, $3] FROM t" },

        // A sign separated from its number by a space is part of the constant; a minus between values is not.
        { "SELECT - 5, -  2.5, a - 1, a -1, a =- 1 FROM t", "SELECT $1, $2, a - $3, a - $4, a = $5 FROM t" },
        { "SELECT -5::int FROM t", "SELECT - $1::int FROM t" },

        // Type modifiers are not constants and stay.
        { "SELECT 'x'::varchar(20), CAST(c AS numeric(10,2)), interval '1' day to second(3) FROM t", "SELECT $1::varchar(20), CAST (c AS numeric(10, 2)), INTERVAL $2 day TO second(3) FROM t" },
        { "CREATE TABLE x (a varchar(20) DEFAULT 'a', b timestamp(3) with time zone, c character varying(5))", "CREATE TABLE x(a varchar(20) DEFAULT $1, b TIMESTAMP (3) WITH TIME ZONE, c character varying(5))" },

        // Array bounds of a type are part of it and stay; subscripts are constants, also where a type could stand.
        { "SELECT '{1,2}'::int[3], CAST(b AS text[2][2]), c::numeric(5,2)[4], d::int ARRAY[2], arr[1], arr[2:3] FROM t", "SELECT $1::int[3], CAST (b AS text[2][2]), c::numeric(5, 2)[4], d::int ARRAY[2], arr[$2], arr[$3 : $4] FROM t" },
        { "CREATE TABLE x (a int[3], \"B\" double precision[2][3], c varchar(5) ARRAY[2], d int ARRAY)", "CREATE TABLE x(a int[3], \"B\" double precision[2][3], c varchar(5) ARRAY[2], d int ARRAY)" },
        { "ALTER TABLE x ADD COLUMN IF NOT EXISTS a int[3], ADD b text[2], ALTER COLUMN c TYPE bigint[4] USING c::bigint[4]", "ALTER TABLE x add COLUMN if NOT EXISTS a int[3], add b text[2], ALTER COLUMN c type bigint[4] USING c::bigint[4]" },
        { "SELECT count(DISTINCT arr[1]), f(VARIADIC arr[2]), (SELECT arr[3]), trim(BOTH arr[4] FROM b), ts::timestamp AT TIME ZONE zones[5] FROM t", "SELECT count(DISTINCT arr[$1]), f(variadic arr[$2]), (SELECT arr[$3]), trim(both arr[$4] FROM b), ts::TIMESTAMP at TIME ZONE zones[$5] FROM t" },

        // Existing $n parameters keep their identity; constants are numbered after them in order of appearance.
        { "SELECT * FROM t WHERE a = $1 OR b = $1", "SELECT * FROM t WHERE a = $1 OR b = $1" },
        { "SELECT * FROM t WHERE a = $1 OR b = $2", "SELECT * FROM t WHERE a = $1 OR b = $2" },
        { "SELECT 5, $1, 'x', $1", "SELECT $1, $2, $3, $2" },

        // A U&'…' UESCAPE '…' string is one constant.
        { "SELECT U&'d!0061t' UESCAPE '!', u&'x'", "SELECT $1, $2" },

        // Multi-row VALUES with DEFAULT in some rows: runs of rows of one shape collapse to their first row.
        { "INSERT INTO t VALUES (1, DEFAULT, 3), (DEFAULT, 'b', 4), (5, 'c', 6), (7, 'd', 8)", "INSERT INTO t VALUES ($1, DEFAULT, $2) /*, ... */, (DEFAULT, $3, $4) /*, ... */, ($5, $6, $7) /*, ... */" },
    };

    [Theory]
    [MemberData(nameof(RightValues))]
    public void Each_kind_normalizes_to_its_right_value(string sql, string expected)
        => Assert.Equal(expected, QueryFingerprinter.Normalize(sql));

    public static TheoryData<string, string> ServerTexts => new()
    {
        { "SELECT EXTRACT(YEAR FROM ts) FROM t", "SELECT EXTRACT($1 FROM ts) FROM t" },
        { "SELECT TRUE, NULL FROM t WHERE a IS NOT DISTINCT FROM NULL", "SELECT $1, $2 FROM t WHERE a IS NOT DISTINCT FROM NULL" },
        { "SELECT * FROM t WHERE a IN (1::int, 2::int) AND b IN ('x', 'y')", "SELECT * FROM t WHERE a IN ($1::int, $2::int) AND b IN ($3, $4)" },
        { "SELECT * FROM t WHERE a IN (1::int, 2::int) AND b IN ('x', 'y')", "SELECT * FROM t WHERE a IN ($1 /*, ... */) AND b IN ($2 /*, ... */)" },
        { "SELECT * FROM t WHERE a IN (1, 2) AND c = 5 AND arr = ARRAY[1, 2, 3]", "SELECT * FROM t WHERE a IN ($1, $2) AND c = $3 AND arr = ARRAY[$4,$5,$6]" },
        { "SELECT * FROM t WHERE a IN (1, 2) AND c = 5 AND arr = ARRAY[1, 2, 3]", "SELECT * FROM t WHERE a IN ($1 /*, ... */) AND c = $2 AND arr = ARRAY[$3 /*, ... */]" },
        { "SELECT - 5, a = - 2 FROM t", "SELECT $1, a = $2 FROM t" },
        { "SELECT -5::int FROM t", "SELECT -$1::int FROM t" },
        { "SELECT 'x'::varchar(20) FROM t", "SELECT $1::varchar(20) FROM t" },
        { "PREPARE p(int) AS SELECT * FROM t WHERE a = $1 OR id = $1 OR c = 5", "PREPARE p(int) AS SELECT * FROM t WHERE a = $1 OR id = $1 OR c = $2" },
        { "SELECT 5, $1", "SELECT $2, $1" },

        // PostgreSQL 18 numbers every placeholder of a statement with a squashed list by position.
        { "PREPARE p(int, int) AS SELECT * FROM t WHERE a IN ($2, $1) OR id = $1", "PREPARE p(int, int) AS SELECT * FROM t WHERE a IN ($2, $1) OR id = $1" },
        { "PREPARE p(int, int) AS SELECT * FROM t WHERE a IN ($2, $1) OR id = $1", "PREPARE p(int, int) AS SELECT * FROM t WHERE a IN ($1 /*, ... */) OR id = $2" },
        { "SELECT U&'d!0061t' UESCAPE '!'", "SELECT $1" },
        { "SELECT U&'d!0061t' UESCAPE '!'", "SELECT $1 UESCAPE '!'" },
        { "INSERT INTO t VALUES (1, DEFAULT, 3), (DEFAULT, 'b', 4), (5, 'c', - 6)", "INSERT INTO t VALUES ($1, DEFAULT, $2), (DEFAULT, $3, $4), ($5, $6, $7)" },
        { "SELECT * FROM t ORDER BY a LIMIT ALL", "SELECT * FROM t ORDER BY a LIMIT $1" },
        { "SELECT N'national', 'con'\n  'tinued'", "SELECT N$1, $2" },
        { "SELECT 4;", "SELECT $1" },
        { "SAVEPOINT \"MySp\"", "SAVEPOINT $1" },
        { "ROLLBACK WORK TO sp3", "ROLLBACK WORK TO $1" },
        { "DEALLOCATE PREPARE p", "DEALLOCATE PREPARE $1" },
        { "SET search_path = \"$user\", public", "SET search_path = $1, public" },
        { "SET LOCAL enable_hashjoin TO true", "SET LOCAL enable_hashjoin TO $1" },
        { "SET SESSION AUTHORIZATION postgres", "SET SESSION AUTHORIZATION $1" },
        { "ALTER FUNCTION f1(int) SET search_path = public, pg_catalog", "ALTER FUNCTION f1(int) SET search_path = $1, pg_catalog" },
    };

    [Theory]
    [MemberData(nameof(ServerTexts))]
    public void The_text_pg_stat_statements_keeps_for_a_statement_shares_its_fingerprint(string sent, string serverText)
        => Assert.Equal(QueryFingerprinter.Fingerprint(sent).NormalizedText, QueryFingerprinter.Fingerprint(serverText).NormalizedText);

    public static TheoryData<string, string> DifferentStatements => new()
    {
        { "SELECT 'x'::varchar(20)", "SELECT 'x'::varchar(30)" },
        { "SELECT * FROM t WHERE a = $1 OR b = $1", "SELECT * FROM t WHERE a = $1 OR b = $2" },
        { "SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a IS NOT NULL" },
        { "INSERT INTO t VALUES (1, DEFAULT)", "INSERT INTO t VALUES (DEFAULT, 1)" },
    };

    [Theory]
    [MemberData(nameof(DifferentStatements))]
    public void What_pg_stat_statements_tells_apart_stays_apart(string a, string b)
        => Assert.NotEqual(QueryFingerprinter.Fingerprint(a).Hex, QueryFingerprinter.Fingerprint(b).Hex);
}
