using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>Top queries are chosen by what each entry did in the interval, over every entry, and read text only for entries new to them.</summary>
public sealed partial class QueryMonitoringTests
{
    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_statement_slow_only_now_is_reported_though_outside_the_lifetime_top_and_a_steady_workload_reads_no_text(int major)
    {
        // A server of its own: what else runs in an interval (other tests' statements) must not decide the top.
        await using var cluster = await PostgresCluster.StartAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(cluster, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 100) g", Cancel);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        async Task RunAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(Cancel);
        }

        // History: four statements (one query id each: their select lists differ in length) that took far longer than the
        // workload will in all (150 ms each against 60 ms), so a reading of the lifetime top three never reaches it.
        for (var columns = 0; columns < 4; columns++)
        {
            for (var run = 0; run < 3; run++)
            {
                await RunAsync("SELECT pg_sleep(0.05)" + string.Concat(Enumerable.Repeat(", 1", columns)));
            }
        }

        // A second monitor as configured by default (1,000 candidates: every statement that ran, here) for the text reads:
        // with only three candidates, which of an interval's tiny statements rank second and third changes, and a
        // statement new to the top has its text read, as it should. Its first scrape (its connections' setup) comes
        // before the first monitor's baseline, so in the intervals it runs only its own, marked statements.
        await using var steady = Monitor(database.ConnectionString, database.Name);
        await ScrapeAsync(steady);

        const int TopEntries = 3;
        await using var scraper = new MonitoredServer(new ScraperOptions
        {
            ConnectionString = database.ConnectionString,
            Databases = [database.Name],
            QueryMonitoring = Monitoring with { TopQuery = Monitoring.TopQuery with { MaxRowsPerQuery = TopEntries } },
        });
        await ScrapeAsync(scraper);

        // The workload: 20 ms an interval (a millisecond's sleep a call), the most any statement spends in it.
        const string Normalized = "SELECT note, pg_sleep($1) FROM orders WHERE id = $2";
        var fingerprint = QueryFingerprinter.Fingerprint(Normalized).Hex;
        var textsRead = new List<long>();
        for (var interval = 1; interval <= 3; interval++)
        {
            for (var i = 1; i <= 20; i++)
            {
                await RunAsync($"SELECT note, pg_sleep(0.001) FROM orders WHERE id = {i}");
            }

            // The oracle: pg_stat_statements itself. The statement is outside the lifetime top three, and ran 20 times an interval.
            var lifetimeTop = new List<string>();
            await using (var top = new NpgsqlCommand($"SELECT query FROM pg_stat_statements ORDER BY {(major >= 13 ? "total_exec_time" : "total_time")} DESC LIMIT 3", connection))
            await using (var reader = await top.ExecuteReaderAsync(Cancel))
            {
                while (await reader.ReadAsync(Cancel))
                {
                    lifetimeTop.Add(reader.GetString(0));
                }
            }

            Assert.Equal(3, lifetimeTop.Count);
            Assert.DoesNotContain(Normalized, lifetimeTop);
            await using (var count = new NpgsqlCommand($"SELECT calls FROM pg_stat_statements WHERE query = '{Normalized}'", connection))
            {
                Assert.Equal(20L * interval, (long)(await count.ExecuteScalarAsync(Cancel))!);
            }

            var scrape = await ScrapeAsync(scraper);
            Assert.Empty(scrape.Result.Errors);
            var points = Points(scrape.Buffer).Where(p => p.Attributes.GetValueOrDefault("db.query.fingerprint") == fingerprint).ToList();
            Assert.Equal(20, Assert.Single(points, p => p.Metric == "postgresql.query.calls").Value);
            var topQuery = Attributes(Assert.Single(scrape.Events, e => e.EventName == "db.server.top_query" && Attributes(e)["db.query.fingerprint"] == fingerprint));
            Assert.Equal("20", topQuery["postgresql.calls"]);
            Assert.Equal(Normalized, topQuery["db.query.text"]);
            await ScrapeAsync(steady);
            textsRead.Add(steady.Queries.TextsRead);
        }

        // Every statement of the workload, the oracle and the other monitor was read once, in the first interval (the
        // other monitor's own statements in the second, the first time they ran between this monitor's scrapes); the
        // third interval ran nothing new and read no text.
        Assert.Equal(textsRead[1], textsRead[2]);
        Assert.True(textsRead[0] > 0, "the first interval read the workload's text");
    }
}
