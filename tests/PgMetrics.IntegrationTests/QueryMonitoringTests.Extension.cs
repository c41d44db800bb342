using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>Top queries read pg_stat_statements as it is installed: any version a server can hold, in any schema.</summary>
public sealed partial class QueryMonitoringTests
{
    /// <summary>
    /// Every server major with the extension versions it can hold besides its own: 1.4 (the oldest install script, shipped
    /// by 12 to 18 with the upgrade chain), 1.7 (the last with <c>total_time</c>, as a server upgraded from 12 without
    /// <c>ALTER EXTENSION … UPDATE</c> keeps it) and, on 13 and later, 1.8 (the first with <c>total_exec_time</c>); and its
    /// own version installed in a schema outside the role's <c>search_path</c>, named so it must be quoted.
    /// </summary>
    public static TheoryData<int, string, string> InstalledExtensions()
    {
        var cases = new TheoryData<int, string, string>();
        foreach (var major in PostgresVersions.Requested)
        {
            cases.Add(major, "1.4", "public");
            cases.Add(major, "1.7", "monitoring");
            if (major >= 13)
            {
                cases.Add(major, "1.8", "public");
            }

            cases.Add(major, "default", "Query Stats");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(InstalledExtensions))]
    public async Task Top_queries_read_pg_stat_statements_of_the_installed_version_in_its_schema_and_match_its_view(int major, string version, string schema)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        var quotedSchema = "\"" + schema + "\"";
        await database.ExecuteAsync(
            $"CREATE SCHEMA IF NOT EXISTS {quotedSchema}; CREATE EXTENSION pg_stat_statements {(version == "default" ? string.Empty : $"VERSION '{version}'")} SCHEMA {quotedSchema}; "
            + "CREATE TABLE ext_orders (id int PRIMARY KEY, note text); INSERT INTO ext_orders SELECT g, 'n' FROM generate_series(1, 20) g",
            Cancel);
        await using var scraper = Monitor(database.ConnectionString, database.Name);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        var installed = (string)(await new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements'", connection).ExecuteScalarAsync(Cancel))!;
        Assert.True(version == "default" || installed == version, $"asked for {version}, installed {installed}");
        if (schema != "public")
        {
            await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT 1 FROM pg_stat_statements LIMIT 1", connection).ExecuteScalarAsync(Cancel));
        }

        await ScrapeAsync(scraper);
        for (var i = 1; i <= 12; i++)
        {
            await using var query = new NpgsqlCommand($"SELECT note FROM ext_orders WHERE id = {i}", connection);
            await query.ExecuteScalarAsync(Cancel);
        }

        var scrape = await ScrapeAsync(scraper);

        // The oracle: the view itself, in its schema, with the time column its version has.
        var hasExecTime = Version.Parse(installed) >= new Version(1, 8);
        await using var view = new NpgsqlCommand(
            $"SELECT calls, {(hasExecTime ? "total_exec_time" : "total_time")}, rows FROM {quotedSchema}.pg_stat_statements "
            + "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE 'SELECT note FROM ext_orders WHERE id = %'",
            connection);
        await using var reader = await view.ExecuteReaderAsync(Cancel);
        Assert.True(await reader.ReadAsync(Cancel));
        var (calls, milliseconds, rows) = (reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2));
        Assert.False(await reader.ReadAsync(Cancel));

        Assert.Empty(scrape.Result.Errors);
        var fingerprint = QueryFingerprinter.Fingerprint("SELECT note FROM ext_orders WHERE id = 1").Hex;
        var points = Points(scrape.Buffer).Where(p => p.Attributes.GetValueOrDefault("db.query.fingerprint") == fingerprint).ToList();
        Assert.Equal((12, 12), (calls, rows));
        Assert.Equal(calls, Assert.Single(points, p => p.Metric == "postgresql.query.calls").Value);
        Assert.Equal(rows, Assert.Single(points, p => p.Metric == "postgresql.query.rows").Value);
        Assert.Equal(milliseconds / 1000, Assert.Single(points, p => p.Metric == "postgresql.query.total_time").Value, 1e-12);
        Assert.Equal(hasExecTime, points.Any(p => p.Metric == "postgresql.query.wal_bytes"));
        var topQuery = Attributes(Assert.Single(scrape.Events, e => e.EventName == "db.server.top_query" && Attributes(e)["db.query.fingerprint"] == fingerprint));
        Assert.Equal("12", topQuery["postgresql.calls"]);

        // The catalogue's postgresql.query.execution.time reads the same view in its schema, with its version's column: the
        // database's sum, which the scrape's own statements only add to, so it lies between two readings of the oracle (give or
        // take the order a float sum is added in).
        var config = new PostgresqlMetricsConfig();
        config.Find("postgresql.query.execution.time")!.Enabled = true;
        var sumSql = $"SELECT sum({(hasExecTime ? "total_exec_time" : "total_time")}) / 1000.0 FROM {quotedSchema}.pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())";
        await using var oracle = new NpgsqlConnection(database.ConnectionString);
        await oracle.OpenAsync(Cancel);
        await using var sum = new NpgsqlCommand(sumSql, oracle);
        var before = Convert.ToDouble(await sum.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture);
        await using var catalogue = new PostgresScraper(new ScraperOptions { ConnectionString = database.ConnectionString, Databases = [database.Name] }, new PostgresqlMetricSet(config));
        var collected = await CollectedPoints.ScrapeAsync(catalogue, Cancel);
        var after = Convert.ToDouble(await sum.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(collected.Result.Errors);
        Assert.InRange(collected.Single("postgresql.query.execution.time", p => p.Database == database.Name).Value, before - 1e-9, after + 1e-9);
    }
}
