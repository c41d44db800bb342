using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>The collector binary scraping a real PostgreSQL and sending to a New Relic stand-in on loopback.</summary>
public sealed class CollectorExportTests(PostgresServerPool servers)
{
    private const string LicenseKey = "nr-test-license-key-4f1b0c2e9aNRAL";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_sends_what_it_scrapes_to_New_Relic_with_the_key_from_the_environment_and_never_prints_the_key()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey);

        var (exitCode, output, errors) = await CollectorProcess.RunAsync(
            ["run", "--connection", server.ConnectionString, "--database", "postgres", "--interval", "1s", "--duration", "4s", "--otlp-endpoint", newRelic.Endpoint.AbsoluteUri, "--compression", "zstd"],
            new Dictionary<string, string> { ["NEW_RELIC_LICENSE_KEY"] = LicenseKey });

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}\n{errors}");
        var points = newRelic.Accepted.SelectMany(OtlpDecoder.Decode).ToList();
        Assert.Contains(points, p => p.Metric == "postgresql.db_size" && p.Resource["postgresql.database.name"] == "postgres" && p.IntValue > 0);

        // New Relic gets deltas: the first scrape only sets the baseline for commits.
        Assert.Contains(points, p => p.Metric == "postgresql.commits" && p.Temporality == 1);
        Assert.All(newRelic.ContentEncodings, encoding => Assert.Equal("zstd", encoding));
        Assert.Contains("0 dropped", output, StringComparison.Ordinal);
        Assert.DoesNotContain(LicenseKey, output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_spool_nothing_is_lost_when_the_collector_restarts_during_an_outage()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey) { Down = true };
        var spool = Directory.CreateTempSubdirectory("pgmetrics-spool-").FullName;
        try
        {
            string[] Arguments(string duration) =>
                ["run", "--connection", server.ConnectionString, "--database", "postgres", "--interval", "1s", "--duration", duration, "--exporter", "otlp",
                 "--otlp-endpoint", newRelic.Endpoint.AbsoluteUri, "--otlp-header", "api-key=" + LicenseKey, "--spool-dir", spool];

            var outage = await CollectorProcess.RunAsync(Arguments("4s"));
            Assert.True(outage.ExitCode == 0, outage.Output + outage.Errors);
            // The spool also holds the collector's own metrics; count the requests that carry a scrape.
            var spooled = Directory.GetFiles(spool, "*.otlp").Count(file => OtlpDecoder.Decode(RequestBodies.ReadSpooled(file)).Any(p => p.Metric == "postgresql.db_size"));
            Assert.True(spooled >= 2, $"the scrapes made during the outage should wait in the spool; found {spooled} files\n{outage.Output}");
            Assert.Empty(newRelic.Accepted);

            newRelic.Down = false;
            // Long enough for a scrape of its own on a loaded machine, where starting the process and its first connection can take seconds.
            var recovered = await CollectorProcess.RunAsync(Arguments("4s"));

            Assert.True(recovered.ExitCode == 0, recovered.Output + recovered.Errors);
            Assert.Empty(Directory.GetFiles(spool));
            var scrapeTimes = newRelic.Accepted.SelectMany(OtlpDecoder.Decode).Where(p => p.Metric == "postgresql.db_size").Select(p => p.Time).Distinct().Count();
            Assert.True(scrapeTimes >= spooled + 1, $"expected the {spooled} spooled scrapes and at least one new one, got {scrapeTimes}");
            Assert.Contains("0 dropped", recovered.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }
}
