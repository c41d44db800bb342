namespace PgMetrics.IntegrationTests.Fingerprints;

public static partial class OracleCorpus
{
    private static readonly string[] FreshBoundsTable = ["DROP TABLE IF EXISTS bounds_u", "CREATE TABLE bounds_u (x int)"];

    /// <summary>Array bounds of type names, which pg_stat_statements keeps as written, beside subscripts, whose constants it replaces.</summary>
    private static IEnumerable<OracleStatement> ArrayBounds =>
    [
        S("SELECT '{1,2}'::int[3], '{{1}}'::int[1][1], CAST('{1}' AS int[2]), '{a}'::varchar(3)[2], '{1}'::int ARRAY[4], '{1.5}'::double precision[2], arr[1], arr[1:2] FROM t") with { KeepsArrayBounds = true },
        S("SELECT '{2024-01-01}'::timestamp(3) with time zone[2], arr::pg_catalog.int4[3], (arr::bigint[])[1], count(DISTINCT arr[2]) FROM t GROUP BY arr") with { KeepsArrayBounds = true },
        S("SELECT * FROM t WHERE arr IN ('{1}'::int[1], '{2}'::int[1]) AND arr[1] IN (1, 2)"),
        S("SELECT * FROM t WHERE arr IN (arr::int[1], '{2}') AND a = ANY ('{1}'::int[2])") with { KeepsArrayBounds = true },
        S("CREATE TABLE IF NOT EXISTS bounds_t (a int[3], b text[2][2], c numeric(5,2)[4], d int ARRAY[2], e int ARRAY, \"F\" timestamp(3) with time zone[2])") with { KeepsArrayBounds = true },
        S("ALTER TABLE bounds_u ADD COLUMN IF NOT EXISTS y int[5], ADD z text[2] DEFAULT '{}'") with { Before = FreshBoundsTable, KeepsArrayBounds = true },
        S("ALTER TABLE bounds_u ALTER COLUMN x TYPE bigint[2] USING ARRAY[x]::bigint[2]") with { Before = FreshBoundsTable, KeepsArrayBounds = true },
        S("CREATE OR REPLACE FUNCTION f3(x int[3], y text[]) RETURNS SETOF int[2] LANGUAGE sql AS $$ SELECT x $$") with { KeepsArrayBounds = true },
        S("SELECT * FROM (SELECT '{1}'::int[]) s(v), LATERAL unnest(v) AS u(x) WHERE v[1] = 1"),
        S("CREATE DOMAIN triple AS int[3]") with { Before = ["DROP DOMAIN IF EXISTS triple"], KeepsArrayBounds = true },
    ];
}
