using PgMetrics.Exporter.Otlp;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// The backend misbehaves while real scrapes of a real server keep coming: down for a long (compressed)
/// while, a storm of 429s, a connection that is accepted and never answered, a full spool disk. Every
/// scraped point arrives once the backend is back, or is counted as dropped.
/// </summary>
public sealed class BackendChaosTests(PostgresServerPool servers, ChaosReport report)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backend_down_for_a_long_while_loses_nothing_with_the_disk_spool_on()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
        await using var proxy = new ChaosProxy(standIn.Endpoint, ProxyMode.Down);
        var spool = Directory.CreateTempSubdirectory("pgmetrics-chaos-spool-").FullName;
        try
        {
            await using var pipeline = new ChaosPipeline(server.ConnectionString, proxy.Endpoint, spool);

            // 40 scrapes refused at the door: at the default 60 s interval, a 40-minute outage.
            await pipeline.ScrapeAsync(40, Interval, Cancel);
            var spooled = Directory.GetFiles(spool, "*.otlp").Length;
            Assert.True(spooled > 0 && spooled == pipeline.Exporter.QueuedRequests, $"the outage's requests should wait in the spool: {spooled} files, {pipeline.Exporter.QueuedRequests} queued");
            Assert.Empty(standIn.Accepted);
            var retries = pipeline.Exporter.Statistics.Retries;

            // A quiet spell longer than several circuit breaks, as between scrapes at the default interval:
            // the sender waits out break after break with no scrape to wake it.
            await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
            proxy.Switch(ProxyMode.Forward);
            await pipeline.ScrapeAsync(5, TimeSpan.FromMilliseconds(250), Cancel);
            await pipeline.AwaitDeliveryAsync(standIn);

            Assert.Empty(Directory.GetFiles(spool));
            var figures = pipeline.Figures("backend down (connection refused) for 40 scrapes, disk spool on", server.Major, standIn, $"{spooled} requests spooled, {retries} retries during the outage");
            report.Add(figures);
            figures.AssertNothingLost();
            Assert.Equal(0, figures.Dropped);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    [Fact]
    public async Task A_storm_of_429_with_Retry_After_delays_the_data_and_loses_none()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
        const int storm = 8;
        standIn.Inject([.. Enumerable.Repeat(Fault.Answer(429, retryAfterSeconds: 1), storm)]);
        await using var pipeline = new ChaosPipeline(server.ConnectionString, standIn.Endpoint);

        await pipeline.ScrapeAsync(20, Interval, Cancel);
        await pipeline.AwaitDeliveryAsync(standIn);

        int throttled;
        lock (standIn.Answers)
        {
            throttled = standIn.Answers.Count(a => a == 429);
        }

        Assert.Equal(storm, throttled);
        var figures = pipeline.Figures("429 storm, Retry-After: 1", server.Major, standIn, $"{throttled} requests answered 429, {pipeline.Exporter.Statistics.Retries} retries");
        report.Add(figures);
        figures.AssertNothingLost();
        Assert.Equal(0, figures.Dropped);
    }

    [Fact]
    public async Task A_backend_that_accepts_the_connection_and_never_answers_costs_a_timeout_per_attempt_and_no_data()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
        await using var proxy = new ChaosProxy(standIn.Endpoint, ProxyMode.BlackHole);
        await using var pipeline = new ChaosPipeline(server.ConnectionString, proxy.Endpoint, timeout: TimeSpan.FromMilliseconds(300));

        await pipeline.ScrapeAsync(15, Interval, Cancel);
        Assert.True(proxy.BlackHoled > 0, "the exporter should have connected to the silent backend");
        Assert.Empty(standIn.Accepted);
        var unanswered = proxy.BlackHoled;

        proxy.Switch(ProxyMode.Forward);
        await pipeline.ScrapeAsync(2, Interval, Cancel);
        await pipeline.AwaitDeliveryAsync(standIn);

        var figures = pipeline.Figures("backend accepts and never answers (300 ms timeout)", server.Major, standIn, $"{unanswered} connections left unanswered, {pipeline.Exporter.Statistics.Retries} retries");
        report.Add(figures);
        figures.AssertNothingLost();
        Assert.Equal(0, figures.Dropped);
    }
}
