using System.Text.RegularExpressions;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// The real collector process, spooling to disk during an outage, is killed with SIGKILL again and again
/// while it scrapes and writes; then it runs once more with the backend back. The spool never holds a torn
/// request, and every request in it is replayed: the backend decodes all of them and refuses none.
/// </summary>
public sealed partial class CollectorKillChaosTests(PostgresServerPool servers, ChaosReport report)
{
    private const int Kills = 4;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_collector_killed_while_it_spools_leaves_no_torn_request_and_the_next_run_replays_every_spooled_point()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
        await using var proxy = new ChaosProxy(standIn.Endpoint, ProxyMode.Down);
        var spool = Directory.CreateTempSubdirectory("pgmetrics-chaos-kill-").FullName;
        try
        {
            string[] Arguments(params string[] more) =>
                ["run", "--connection", server.ConnectionString, "--database", "postgres", "--interval", "200ms", "--exporter", "otlp",
                 "--otlp-endpoint", proxy.Endpoint.AbsoluteUri, "--otlp-header", "api-key=" + ChaosPipeline.LicenseKey, "--spool-dir", spool, .. more];

            // Each run is killed once its spool has grown by a few requests: at whatever point of scraping,
            // encoding or writing it happens to be.
            var tornLeftovers = 0;
            for (var kill = 0; kill < Kills; kill++)
            {
                var before = ScrapeRequests(spool);
                await using var collector = RunningCollector.Start(Arguments());
                await Poll.UntilAsync(() => Task.FromResult(ScrapeRequests(spool)), n => n >= before + 2, "the spool to take two more scrapes", Cancel, n => $"{n} scrape requests\n{collector.Output}");
                await collector.SignalAsync("KILL");
                await collector.WaitForExitAsync(TimeSpan.FromSeconds(30));
                tornLeftovers += Directory.GetFiles(spool, "*.tmp").Length;
            }

            // What a kill in the middle of a write leaves, made certain: half a request under the temporary name.
            var newest = Directory.GetFiles(spool, "*.otlp").Order(StringComparer.Ordinal).Last();
            var body = await File.ReadAllBytesAsync(newest, Cancel);
            await File.WriteAllBytesAsync(Path.Combine(spool, "9999999999999999999~1.otlp.tmp"), body[..(body.Length / 2)], Cancel);

            // Every request the kills left behind is whole: it decodes, and its name states its point count.
            var spooled = new HashSet<string>(StringComparer.Ordinal);
            var files = Directory.GetFiles(spool, "*.otlp").Length;
            long spooledPoints = 0;
            foreach (var file in Directory.GetFiles(spool, "*.otlp"))
            {
                var points = OtlpDecoder.Decode(RequestBodies.ReadSpooled(file));
                Assert.Equal(int.Parse(Path.GetFileNameWithoutExtension(file).Split('~')[1], System.Globalization.CultureInfo.InvariantCulture), points.Count);
                spooledPoints += points.Count;
                spooled.UnionWith(points.Select(ChaosFigures.Key));
            }

            Assert.Empty(standIn.Accepted);
            proxy.Switch(ProxyMode.Forward);
            var replay = await CollectorProcess.RunAsync(Arguments("--duration", "2s"));
            Assert.True(replay.ExitCode == 0, replay.Output + replay.Errors);

            Assert.Empty(Directory.GetFiles(spool));
            lock (standIn.Answers)
            {
                Assert.All(standIn.Answers, status => Assert.Equal(200, status));
            }

            var (received, duplicates) = ChaosFigures.Count(standIn, p => spooled.Contains(ChaosFigures.Key(p)));
            var (receivedInAll, duplicatesInAll) = ChaosFigures.Count(standIn);
            var summary = SummaryPattern().Match(replay.Output);
            Assert.True(summary.Success, "the collector should print its exporter summary on exit:\n" + replay.Output);
            var exported = long.Parse(summary.Groups["exported"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var dropped = long.Parse(summary.Groups["dropped"].Value, System.Globalization.CultureInfo.InvariantCulture);

            // Sent: the replaying run's own count of accepted points, less those of its own scrapes and
            // metrics. A request of its own that shutdown cancelled in flight is sent again by the final
            // flush and arrives twice; it is counted once by the exporter, so the others are counted distinct.
            var others = (receivedInAll - duplicatesInAll) - (received - duplicates);
            var figures = new ChaosFigures(
                "collector killed (SIGKILL) while spooling, then replayed", server.Major, spooledPoints, exported - others, received, duplicates, dropped,
                $"{Kills} kills, {files} requests left in the spool, {tornLeftovers} torn temporary files left by the kills (one more planted); scraped = points found in the spool after the kills");
            report.Add(figures);
            Assert.True(figures.Sent == received - duplicates, $"sent {figures.Sent}, received {received}, in all {receivedInAll} ({duplicatesInAll} duplicates), exported {exported}");
            Assert.Equal(spooled.Count, spooledPoints);
            figures.AssertNothingLost();
            Assert.Equal(0, dropped);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    /// <summary>Spooled requests that carry a scrape, not only the collector's own metrics (which are spooled too).</summary>
    private static int ScrapeRequests(string spool)
        => Directory.GetFiles(spool, "*.otlp").Count(file => OtlpDecoder.Decode(RequestBodies.ReadSpooled(file)).Any(p => p.Metric.StartsWith("postgresql.", StringComparison.Ordinal)));

    [GeneratedRegex(@"(?<exported>\d+) points exported in \d+ requests, \d+ retries, \d+ rejected, (?<dropped>\d+) dropped")]
    private static partial Regex SummaryPattern();
}
