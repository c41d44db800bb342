using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.IntegrationTests.Metadata;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;
using static PgMetrics.IntegrationTests.Infrastructure.MetricSetComparison;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// A metadata.yaml read at run time (PgMetrics.Metadata.Interpreter) collects exactly what the code the
/// generator writes from the same file collects: the same SQL per version, requirements and switches,
/// and from the same rows the same points with the same resources, attributes and values.
/// </summary>
public sealed class InterpretedMetricSetTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> MetadataFiles => new() { "metadata.yaml", "PgMetrics.Runtime/Pgbouncer/metadata.yaml", "tests/PgMetrics.IntegrationTests/metadata.yaml" };

    [Theory]
    [MemberData(nameof(MetadataFiles))]
    public void The_interpreted_set_declares_the_metrics_queries_sql_and_switches_of_the_generated_one(string file)
    {
        MetricSet generated = file switch
        {
            "metadata.yaml" => new PostgresqlMetricSet(),
            "PgMetrics.Runtime/Pgbouncer/metadata.yaml" => new PgbouncerMetricSet(),
            _ => new LifecycleMetricSet(),
        };
        var interpreted = Interpret(file);

        Assert.Equal(generated.Type, interpreted.Type);
        Assert.Equal(generated.Metrics.Select(Describe), interpreted.Metrics.Select(Describe));
        Assert.Equal(generated.Queries.Select(Describe), interpreted.Queries.Select(Describe));
        foreach (var version in VersionsToProbe(interpreted))
        {
            Assert.Equal(generated.Queries.Select(q => Versioned(q, version)), interpreted.Queries.Select(q => Versioned(q, version)));
        }

        Assert.Equal(generated.Metrics.Select(m => generated.FindMetric(m.Name)!.Enabled), interpreted.Metrics.Select(m => interpreted.FindMetric(m.Name)!.Enabled));
        Assert.Equal(
            interpreted.Spec.ResourceAttributes.Select(a => generated.FindResourceAttribute(a.Key)?.Enabled),
            interpreted.Spec.ResourceAttributes.Select(a => interpreted.FindResourceAttribute(a.Key)?.Enabled));
        Assert.Null(interpreted.FindMetric("no.such.metric"));
        Assert.Null(interpreted.FindResourceAttribute("no.such.attribute"));

        // A query runs when any metric it feeds is on: switch the metrics on one at a time in both sets.
        foreach (var only in generated.Metrics.Select(m => m.Name))
        {
            foreach (var set in new[] { generated, interpreted })
            {
                foreach (var metric in set.Metrics)
                {
                    set.FindMetric(metric.Name)!.Enabled = metric.Name == only;
                }
            }

            Assert.Equal(generated.Queries.Select(q => q.IsNeeded), interpreted.Queries.Select(q => q.IsNeeded));
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task The_interpreted_catalogue_records_the_points_the_generated_one_records_from_the_same_rows(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("""
            CREATE EXTENSION pg_stat_statements;
            CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, note text);
            CREATE INDEX orders_customer ON orders (customer);
            CREATE FUNCTION shipping() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 5; END';
            INSERT INTO orders SELECT g, g % 50, 'n' FROM generate_series(1, 500) g;
            DELETE FROM orders WHERE id > 450;
            SELECT shipping(), count(*) FROM orders WHERE customer = 7;
            ANALYZE orders;
            """, Cancel);
        var generated = EnableAll(new PostgresqlMetricSet());
        var interpreted = EnableAll(Interpret("metadata.yaml"));
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        var version = (int)(await new NpgsqlCommand("SELECT current_setting('server_version_num')::int", connection).ExecuteScalarAsync(Cancel))!;
        var settings = await ServerFacts.ReadSettingsAsync(connection, generated.Queries, TimeSpan.FromSeconds(10), Cancel);
        var extensions = await ServerFacts.ReadExtensionsAsync(connection, generated.Queries, TimeSpan.FromSeconds(10), Cancel);

        var compared = new List<string>();
        for (var i = 0; i < generated.Queries.Count; i++)
        {
            var (fromCode, fromFile) = (generated.Queries[i], interpreted.Queries[i]);
            var sql = fromCode.SelectSql(version);
            Assert.Equal(sql, fromFile.SelectSql(version));
            var unmet = ServerFacts.UnmetRequirement(fromCode, settings, extensions);
            Assert.Equal(unmet, ServerFacts.UnmetRequirement(fromFile, settings, extensions));
            if (sql is null || unmet is not null)
            {
                continue;
            }

            var (code, file) = await ReadBothAsync(connection, fromCode, fromFile, sql, database.Name, Cancel);
            Assert.True(code.Equals(file), $"query {fromCode.Name} on {major}:\ngenerated {code}\ninterpreted {file}");
            if (code.Points.Count > 0)
            {
                compared.Add(fromCode.Name);
            }
        }

        // Not vacuous: instance-wide, per-database and per-relation queries with attributes all recorded points.
        Assert.Superset(new HashSet<string> { "server_settings", "database_stats", "bgwriter", "lock_modes", "table_stats", "index_stats", "table_count" }, compared.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Scraping_the_interpreted_lifecycle_file_gives_the_points_errors_and_rejected_values_of_the_generated_code(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        var generated = new LifecycleMetricSet();
        var interpreted = Interpret("tests/PgMetrics.IntegrationTests/metadata.yaml");
        foreach (var set in new MetricSet[] { generated, interpreted })
        {
            set.FindMetric("lifecycle.states")!.Enabled = true;
        }

        var fromCode = await ScrapeAsync(database, generated);
        var fromFile = await ScrapeAsync(database, interpreted);

        Assert.Equal(fromCode.Errors, fromFile.Errors);
        Assert.Contains(fromFile.Errors, e => e.StartsWith("broken", StringComparison.Ordinal));
        Assert.Equal(fromCode.Rejected, fromFile.Rejected);
        Assert.Equal([new RejectedValue("states", "state", null, 2)], fromFile.Rejected);

        // lifecycle.backends counts sessions, which move between two scrapes: its series must match, not its value.
        Assert.Equal(fromCode.Points.Select(p => p.Series), fromFile.Points.Select(p => p.Series));
        Assert.Equal(fromCode.Points.Where(p => p.Metric != "lifecycle.backends").Select(Steady), fromFile.Points.Where(p => p.Metric != "lifecycle.backends").Select(Steady));
        Assert.Equal(["lifecycle.states", "lifecycle.states", "lifecycle.slow", "lifecycle.backends"], fromFile.Points.Select(p => p.Metric));
    }

    private static (string Series, long Int, double Double) Steady(RecordedPoint point) => (point.Series, point.IntValue, point.DoubleValue);

    private static async Task<(IReadOnlyList<string> Errors, IReadOnlyList<RejectedValue> Rejected, IReadOnlyList<RecordedPoint> Points)> ScrapeAsync(TestDatabase database, MetricSet set)
    {
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = database.ConnectionString, Databases = [database.Name] }, set);
        var result = await scraper.ScrapeAsync(Cancel);
        return ([.. result.Errors.Select(e => e.Query + ": " + e.Kind)], result.RejectedValues, RecordedPoint.From(result.Metrics));
    }
}
