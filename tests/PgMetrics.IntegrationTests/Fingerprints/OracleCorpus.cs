namespace PgMetrics.IntegrationTests.Fingerprints;

/// <summary>
/// The statements the fingerprint oracle runs on every server: every literal kind, casts, typed literals,
/// arrays, JSON, ranges, intervals, lists of every length, parameters, CTEs, window functions, DML, DDL
/// and utility statements, with the kinds pg_stat_statements treats specially on some version.
/// </summary>
public static partial class OracleCorpus
{
    /// <summary>Run in the oracle's database before the corpus: the tables and routines the statements use.</summary>
    public const string Schema = """
        CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
        CREATE TABLE t (id int PRIMARY KEY, a int, b text, c numeric, d date, ts timestamptz, j jsonb, arr int[], r int4range, flag boolean);
        CREATE TABLE t3 (a int UNIQUE, b text DEFAULT 'z', c int DEFAULT 0);
        CREATE TABLE t4 (x int);
        INSERT INTO t VALUES (1, 1, 'x', 1.5, '2024-01-01', '2024-01-01 10:00+00', '{"a": 1}', '{1,2}', '[1,5)', true);
        CREATE PROCEDURE p1(x int, y text) LANGUAGE sql AS $$ SELECT 1 $$;
        CREATE FUNCTION f1(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 1 $$;
        CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x WITH NO DATA;
        """;

    public static IEnumerable<OracleStatement> All => Literals.Concat(Queries).Concat(Lists).Concat(ArrayBounds).Concat(Parameters).Concat(Utility);

    private static OracleStatement S(string sql) => new(sql);

    private static IEnumerable<OracleStatement> Literals =>
    [
        S("SELECT 'text', E'esc\\'aped\\n', $$dollar 'quoted'$$, $tag$tagged $$ inside$tag$, B'1010', X'1F', N'national', n'x'"),
        S("SELECT U&'d\\0061t\\+000061', U&'d!0061t' UESCAPE '!', u&'x' uescape '#'"),
        S("SELECT 'con'\n  'tinued', E'a'\n'b', 'x' || 'y'"),
        S("SELECT 1, 2.5, .5, 5., 1e10, 1.5E-3, 12345678901234567890"),
        S("SELECT -1, - 2, -  3.25, -.5, a - 1, a -1, a-1, a = -1, a =-1, a <-1, a * -2, (-3) FROM t"),
        S("SELECT -5::int, - 5::numeric, +5, -a, a - -1, 2 - 1 FROM t"),
        S("SELECT 0x1F, 0o17, 0b101, 1_000_000, 1.5_0, -0x10") with { MinVersion = 16 },
        S("SELECT DATE '2024-01-01', TIME '10:00', TIMESTAMP '2024-01-01 10:00', TIMESTAMPTZ '2024-01-01', timestamp with time zone '2024-01-01'"),
        S("SELECT int4 '5', bool 'true', numeric(10,2) '1.5', varchar(3) 'abc', char(2) 'ab', double precision '1.5', interval(3) '1.2345 s'"),
        S("SELECT '5'::int, 5::text, CAST('5' AS bigint), '1.5'::numeric(10,2), 'abc'::varchar(20), 'x'::character varying(10), '{1,2}'::int[]"),
        S("SELECT '(1,2)'::point, '2024-01-01'::date::timestamp, 'a'::text COLLATE \"C\", CAST(NULL AS int), 1::float(24), 2::decimal(5)"),
        S("SELECT TRUE, FALSE, NULL, true AND flag, flag IS TRUE, flag IS NOT FALSE, flag IS UNKNOWN, a IS NULL, a IS NOT NULL FROM t"),
        S("SELECT a IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM a, a IS DISTINCT FROM 5, NULL::int IS DISTINCT FROM a, coalesce(a, NULL), NULLIF(a, 0) FROM t"),
        S("UPDATE t SET b = NULL, flag = false WHERE a = NULL OR flag = true"),
        S("SELECT EXTRACT(YEAR FROM ts), extract(epoch from ts), EXTRACT('dow' FROM ts), EXTRACT(\"day\" FROM ts), date_part('month', ts), date_trunc('hour', ts) FROM t"),
        S("SELECT now() - interval '1 day', ts + INTERVAL '2 hours', interval '1' hour, INTERVAL '1-2' YEAR TO MONTH, INTERVAL '1' DAY TO SECOND(3), '1 week'::interval, make_interval(days => 3) FROM t"),
        S("SELECT int4range(1, 10), '[1,5)'::int4range, r @> 3, r && '[2,4)', numrange(1.5, 2.5, '[]'), daterange(DATE '2024-01-01', NULL), upper(r), isempty(r) FROM t"),
        S("SELECT '{[1,2), [5,6)}'::int4multirange, int4multirange(int4range(1, 3))") with { MinVersion = 14 },
        S("SELECT j -> 'a', j ->> 'b', j #> '{a,b}', j #>> '{a}', j @> '{\"a\": 1}', j ? 'a', j ?| ARRAY['a', 'b'], j ?& ARRAY['a'], j - 'a', j || '{\"x\": 2}' FROM t"),
        S("SELECT j @? '$.a ? (@ > 1)', j @@ '$.a == 1', jsonb_path_query_first(j, '$.a'), jsonb_build_object('k', 1, 'l', ARRAY[1, 2]), to_jsonb('x'::text) FROM t"),
        S("SELECT j['a'], j['b']['c'] FROM t") with { MinVersion = 14 },
        S("SELECT JSON_OBJECT('a' VALUE 1), JSON_ARRAY(1, 2), j IS JSON, j IS JSON OBJECT FROM t") with { MinVersion = 16 },
        S("SELECT JSON_OBJECTAGG('k' VALUE a), JSON_ARRAYAGG(a ORDER BY a) FROM t") with { MinVersion = 16 },
        S("SELECT JSON_VALUE(j, '$.a' RETURNING int), JSON_EXISTS(j, '$.a'), JSON_QUERY(j, '$.a' WITH WRAPPER) FROM t") with { MinVersion = 17 },
        S("SELECT * FROM JSON_TABLE('[{\"x\": 1}]'::jsonb, '$[*]' COLUMNS (x int PATH '$.x'))") with { MinVersion = 17 },
        S("SELECT \"Mixed Case\".a, U&\"d\\0061t\" FROM (SELECT 1 AS a, 2 AS \"dat\") AS \"Mixed Case\""),
        S("SELECT /* inline */ 1 -- and a line comment\n + 2 /* nested /* inner */ still */"),
        S("/* leading comment */ SELECT 3"),
        S("SELECT 4;"),
        S("SELECT 'it''s', E'\\\\', 'héllo', \"naïve\", $$a$$::text FROM (SELECT 1 AS \"naïve\") s"),
        S("SELECT CURRENT_DATE, CURRENT_TIMESTAMP(3), LOCALTIME, CURRENT_USER, TIMESTAMP '2024-01-01' AT TIME ZONE 'UTC', INTERVAL '1 day' * 2"),
        S("SELECT NULL IS NULL, TRUE IS TRUE, a ISNULL, a NOTNULL, NOT flag, NULL::text, flag IS NOT TRUE FROM t"),
        S("SELECT j->-1, j->>0, a::int8 - -2, point(1, 2) <-> point(3, 4), b ~* 'x', b !~ 'y', b !~~ 'z%' FROM t"),
    ];

    private static IEnumerable<OracleStatement> Queries =>
    [
        S("SELECT * FROM t WHERE a = 42"),
        S("select B, \"b\" FROM T where A > 21.5 AND b like 'x%' escape '!' and b SIMILAR TO 'a|b' AND b ~ '^x' AND b ILIKE 'Y'"),
        S("SELECT CASE WHEN a > 5 THEN 'big' WHEN a < 0 THEN 'neg' ELSE 'small' END, a BETWEEN 1 AND 5, a BETWEEN SYMMETRIC 5 AND 1, greatest(a, 3) FROM t"),
        S("SELECT position('a' IN b), substring(b FROM 2 FOR 3), overlay(b PLACING 'x' FROM 1 FOR 1), trim(both 'x' FROM b), b || 'y', format('%s-%s', a, 'z') FROM t"),
        S("SELECT ts AT TIME ZONE 'UTC', row(1, 'a'), (1, 2) < (3, 4), 5 & 3, 1 << 2, |/ 16.0, @ -5, a % 2 FROM t"),
        S("SELECT a, count(*) FILTER (WHERE a > 5) FROM t GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 DESC NULLS LAST"),
        S("SELECT * FROM t ORDER BY a LIMIT ALL"),
        S("SELECT * FROM t LIMIT 10 OFFSET 5"),
        S("SELECT * FROM t OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY"),
        S("SELECT * FROM t ORDER BY a FETCH NEXT ROW ONLY"),
        S("SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES") with { MinVersion = 13 },
        S("SELECT * FROM t TABLESAMPLE SYSTEM (10) REPEATABLE (1)"),
        S("SELECT * FROM generate_series(1, 10, 2) AS g(n) WHERE n <> 3"),
        S("SELECT EXISTS (SELECT 1 FROM t WHERE a = 5), (SELECT max(a) FROM t3 WHERE b = 'q') FROM t WHERE (a, b) = (1, 'x')"),
        S("SELECT t.a, s.x FROM t JOIN LATERAL (SELECT t.a * 2 AS x) s ON true LEFT JOIN t3 ON t3.a = t.a AND t3.b = 'x' WHERE t.id = 1"),
        S("WITH x AS (SELECT 1 AS v), y AS MATERIALIZED (SELECT v + 1 AS w FROM x) SELECT * FROM y WHERE w > 0"),
        S("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT sum(n) FROM r"),
        S("WITH d AS (DELETE FROM t3 WHERE a = 99 RETURNING *) SELECT count(*) FROM d"),
        S("SELECT row_number() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), lag(a, 1, 0) OVER w, ntile(4) OVER () FROM t WINDOW w AS (ORDER BY id)"),
        S("SELECT sum(a) OVER (ORDER BY a RANGE BETWEEN UNBOUNDED PRECEDING AND 5 FOLLOWING), avg(a) OVER (ORDER BY a GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES) FROM t"),
        S("SELECT a FROM t UNION SELECT 5 EXCEPT SELECT -1 INTERSECT SELECT a FROM t3"),
        S("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(x, y) WHERE x = ANY (VALUES (1), (2))"),
        S("UPDATE t SET b = 'x', c = c + 1.5, arr[1] = 7 WHERE id = 1 RETURNING id, -1"),
        S("DELETE FROM t3 WHERE a < -5 AND b LIKE 'x%'"),
        S("INSERT INTO t3 SELECT 1, 'a', 2 WHERE false RETURNING a"),
        S("INSERT INTO t3 (a, b) VALUES (100, 'a') ON CONFLICT (a) DO UPDATE SET b = 'z' || excluded.b"),
        S("INSERT INTO t3 VALUES (101, 'a', 1) ON CONFLICT DO NOTHING"),
        S("MERGE INTO t3 USING (VALUES (1, 'a')) AS s(a, b) ON t3.a = s.a WHEN MATCHED THEN UPDATE SET b = s.b WHEN NOT MATCHED THEN INSERT VALUES (s.a, s.b, 5)") with { MinVersion = 15 },
        S("SELECT pg_advisory_xact_lock(5), set_config('my.x', 'v', false), pg_sleep(0)"),
        S("SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b"),
        S("SELECT a FROM t WHERE id > 0 FOR UPDATE SKIP LOCKED"),
        S("SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS ((a), (b), ()) HAVING sum(c) > 0.5"),
        S("SELECT a::text || '-' || b, ARRAY(SELECT 1), ARRAY[DATE '2024-01-01', DATE '2024-01-02'] FROM t WHERE ts > now() - '1 day'::interval FOR SHARE NOWAIT"),
        S("UPDATE t SET c = t3.c * 2 FROM t3 WHERE t3.a = t.a AND t3.b IN (E'a', U&'b' UESCAPE '!') RETURNING *"),
    ];
}
