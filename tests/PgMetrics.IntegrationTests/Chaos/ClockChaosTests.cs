using PgMetrics.Exporter.Otlp;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// The wall clock steps back an hour in the middle of an outage, and forward two hours after it. The
/// exporter's waits (circuit break, backoff, batch age) are durations and must not stretch with the wall
/// clock. The machine's clock is not touched: the exporter is given a clock whose wall time the test steps
/// (TimeProvider injection), so the scrapes' own timestamps keep the machine's time.
/// </summary>
public sealed class ClockChaosTests(PostgresServerPool servers, ChaosReport report)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wall_clock_stepped_back_during_an_outage_neither_keeps_the_circuit_open_nor_holds_the_batch()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var clock = new JumpingClock();
        await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
        await using var proxy = new ChaosProxy(standIn.Endpoint, ProxyMode.Down);
        await using var pipeline = new ChaosPipeline(server.ConnectionString, proxy.Endpoint, timeProvider: clock, maxBatchAge: TimeSpan.FromMilliseconds(300));

        await pipeline.ScrapeAsync(10, Interval, Cancel);
        await Poll.UntilAsync(() => Task.FromResult(pipeline.Exporter.Statistics.CircuitState), state => state == ExportCircuitState.Open, "the circuit to open during the outage", Cancel);
        clock.Jump(TimeSpan.FromHours(-1));
        proxy.Switch(ProxyMode.Forward);
        await pipeline.ScrapeAsync(5, Interval, Cancel);

        // No flush: the sender alone must deliver, within the poll's generous bound rather than an hour.
        await pipeline.AwaitDeliveryAsync(standIn);
        clock.Jump(TimeSpan.FromHours(2));
        await pipeline.ScrapeAsync(5, Interval, Cancel);
        await pipeline.AwaitDeliveryAsync(standIn);

        var figures = pipeline.Figures("wall clock stepped back 1 h mid-outage, then forward 2 h (injected clock)", server.Major, standIn, $"batch age 300 ms, break 500 ms; delivered without a flush; {pipeline.Exporter.Statistics.Retries} retries");
        report.Add(figures);
        figures.AssertNothingLost();
        Assert.Equal(0, figures.Dropped);
    }
}
