using Microsoft.Extensions.Logging;
using PgMetrics.Exporter.Otlp.Transmission;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>Faults of the New Relic endpoint lose nothing and duplicate nothing; what is given up is counted.</summary>
public sealed class ExporterFaultTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;


    [Fact]
    public async Task Every_point_arrives_exactly_once_through_429_503_a_slow_answer_and_a_dropped_connection()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic, timeout: TimeSpan.FromMilliseconds(700));
        newRelic.Inject(Fault.Answer(429, retryAfterSeconds: 1), Fault.Answer(503), Fault.SlowAnswer(TimeSpan.FromSeconds(2)), Fault.DroppedConnection, Fault.Answer(502), Fault.Answer(504));

        await exporter.StartAsync(Cancel);
        for (var scrape = 0; scrape < 5; scrape++)
        {
            exporter.ConsumeMetrics(ExporterHarness.Scrape(scrape, databases: 20));
        }

        await ExporterHarness.FlushAsync(exporter);
        await exporter.StopSendingAsync();

        Assert.True(ExporterHarness.ExpectedValues(5, 20).SequenceEqual(ExporterHarness.ReceivedValues(newRelic)), $"answers: {string.Join(",", newRelic.Answers)}; received {ExporterHarness.ReceivedValues(newRelic).Count} values ({ExporterHarness.ReceivedValues(newRelic).Distinct().Count()} distinct) in {newRelic.Accepted.Count} requests; exported {exporter.Statistics.PointsExported}, rejected {exporter.Statistics.PointsRejected}, dropped {exporter.Statistics.PointsDropped}");
        Assert.Contains(429, newRelic.Answers);
        Assert.Contains(0, newRelic.Answers);
        Assert.True(exporter.Statistics.Retries >= 6, $"six faults should cost at least six retries, were {exporter.Statistics.Retries}");
        Assert.Equal(100, exporter.Statistics.PointsExported);
        Assert.Equal(0, exporter.Statistics.PointsDropped);
    }

    [Fact]
    public async Task Retry_after_is_honoured_before_the_next_attempt()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic);
        newRelic.Inject(Fault.Answer(429, retryAfterSeconds: 1));
        exporter.ConsumeMetrics(ExporterHarness.Scrape(0, databases: 3));

        var started = System.Diagnostics.Stopwatch.StartNew();
        await ExporterHarness.FlushAsync(exporter);

        // The base delay is 20 ms; only the server's Retry-After makes the wait reach a second.
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {started.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(ExporterHarness.ExpectedValues(1, 3), ExporterHarness.ReceivedValues(newRelic));
    }

    [Fact]
    public async Task A_scrape_larger_than_the_payload_limit_is_sent_in_requests_under_it()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic, compression: OtlpCompression.None, options: ExporterHarness.Options(newRelic));
        var padding = new string('x', 200);

        exporter.ConsumeMetrics(ExporterHarness.Scrape(0, databases: 8_000, padding));
        await ExporterHarness.FlushAsync(exporter);

        Assert.True(newRelic.Accepted.Count >= 2, "a 2 MB scrape needs more than one request");
        Assert.All(newRelic.Accepted, body => Assert.True(body.Length <= OtlpExporterOptions.NewRelicPayloadLimit, $"a request of {body.Length} bytes"));
        Assert.DoesNotContain(413, newRelic.Answers);
        Assert.Equal(ExporterHarness.ExpectedValues(1, 8_000), ExporterHarness.ReceivedValues(newRelic));
    }

    [Fact]
    public async Task A_413_splits_the_request_and_sends_the_halves()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic);
        newRelic.Inject(Fault.Answer(413), Fault.Answer(413));

        exporter.ConsumeMetrics(ExporterHarness.Scrape(0, databases: 10));
        exporter.ConsumeMetrics(ExporterHarness.Scrape(1, databases: 10));
        await ExporterHarness.FlushAsync(exporter);

        Assert.Equal(ExporterHarness.ExpectedValues(2, 10), ExporterHarness.ReceivedValues(newRelic));
        Assert.Equal([413, 413, 200, 200], newRelic.Answers);
        Assert.Equal(0, exporter.Statistics.PointsDropped);
    }

    [Fact]
    public async Task An_endpoint_that_refuses_any_request_as_too_large_costs_one_split_and_one_log_line_per_request()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey) { RefuseEveryRequestWith = 413 };
        var log = new CapturingLogger();
        using var exporter = ExporterHarness.Create(newRelic, logger: log);

        exporter.ConsumeMetrics(ExporterHarness.Scrape(0, databases: 500));
        await ExporterHarness.FlushAsync(exporter);

        // The request, then its two halves: never one request (and one line) per point.
        Assert.Equal([413, 413, 413], newRelic.Answers);
        Assert.Equal(500, exporter.Statistics.PointsDropped);
        var lines = log.Lines.Where(line => line.Contains("413", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(2, log.Lines.Count);
        Assert.All(lines, line => Assert.Contains("250 points", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_partial_success_rejecting_every_point_is_one_request_and_one_log_line_with_the_count()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        var log = new CapturingLogger();
        using var exporter = ExporterHarness.Create(newRelic, logger: log);

        // ExportMetricsServiceResponse { partial_success { rejected_data_points: 500, error_message: "too old" } }
        newRelic.SuccessBody = [0x0A, 0x0C, 0x08, 0xF4, 0x03, 0x12, 0x07, .. "too old"u8];
        exporter.ConsumeMetrics(ExporterHarness.Scrape(0, databases: 500));
        await ExporterHarness.FlushAsync(exporter);

        Assert.Equal([200], newRelic.Answers);
        Assert.Equal(500, exporter.Statistics.PointsRejected);
        var line = Assert.Single(log.Lines);
        Assert.Contains("rejected 500 points: too old", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_refusal_is_not_retried_and_is_counted_and_logged_once_without_the_key(int status)
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        var log = new CapturingLogger();
        using var exporter = ExporterHarness.Create(newRelic, logger: log);
        newRelic.Inject(Fault.Answer(status), Fault.Answer(status));

        exporter.ConsumeMetrics(ExporterHarness.Scrape(0, databases: 4));
        exporter.ConsumeMetrics(ExporterHarness.Scrape(1, databases: 4));
        await ExporterHarness.FlushAsync(exporter);

        Assert.Equal([status], newRelic.Answers.Distinct());
        Assert.Single(newRelic.Answers);
        Assert.Equal(8, exporter.Statistics.PointsRejected);
        Assert.Equal(0, exporter.Statistics.Retries);
        Assert.Single(log.Lines, line => line.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, line => line.Contains(ExporterHarness.LicenseKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Points_a_receiver_rejects_in_a_partial_success_are_counted()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic);

        // ExportMetricsServiceResponse { partial_success { rejected_data_points: 2, error_message: "too old" } }
        newRelic.SuccessBody = [0x0A, 0x0B, 0x08, 0x02, 0x12, 0x07, .. "too old"u8];
        exporter.ConsumeMetrics(ExporterHarness.Scrape(0, databases: 5));
        await ExporterHarness.FlushAsync(exporter);

        Assert.Equal(2, exporter.Statistics.PointsRejected);
        Assert.Equal(3, exporter.Statistics.PointsExported);
    }

    [Fact]
    public async Task An_outage_opens_the_circuit_and_keeps_the_data_until_the_endpoint_recovers()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey) { Down = true };
        using var exporter = ExporterHarness.Create(newRelic);
        await exporter.StartAsync(Cancel);
        for (var scrape = 0; scrape < 3; scrape++)
        {
            exporter.ConsumeMetrics(ExporterHarness.Scrape(scrape, databases: 5));
        }

        await WaitUntilAsync(() => exporter.Statistics.CircuitState == ExportCircuitState.Open);
        var attemptsWhenOpened = newRelic.Answers.Count;
        await Task.Delay(200, Cancel);

        // While open, the breaker holds requests back instead of piling them onto the endpoint: at
        // most the one half-open trial may get through if the test itself ran late.
        Assert.InRange(newRelic.Answers.Count - attemptsWhenOpened, 0, 1);
        Assert.Equal(3, exporter.QueuedRequests);

        newRelic.Down = false;
        await WaitUntilAsync(() => exporter.QueuedRequests == 0);
        await exporter.StopSendingAsync();

        Assert.Equal(ExporterHarness.ExpectedValues(3, 5), ExporterHarness.ReceivedValues(newRelic));
        Assert.Equal(ExportCircuitState.Closed, exporter.Statistics.CircuitState);
    }

    [Fact]
    public async Task A_full_queue_drops_the_oldest_data_and_counts_it()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey) { Down = true };
        var oneScrape = ExporterHarness.Scrape(0, databases: 50);
        using var sizing = ExporterHarness.Create(newRelic);
        sizing.ConsumeMetrics(oneScrape);
        var bytesPerScrape = sizing.QueuedBytes;
        using var exporter = ExporterHarness.Create(newRelic, options: ExporterHarness.Options(newRelic) with { MaxQueueBytes = (bytesPerScrape * 3) + 10 });

        for (var scrape = 0; scrape < 5; scrape++)
        {
            exporter.ConsumeMetrics(ExporterHarness.Scrape(scrape, databases: 50));
        }

        newRelic.Down = false;
        await ExporterHarness.FlushAsync(exporter);

        Assert.Equal(100, exporter.Statistics.PointsDropped);
        Assert.Equal(150, exporter.Statistics.PointsExported);
        var received = ExporterHarness.ReceivedValues(newRelic);
        Assert.Equal(ExporterHarness.ExpectedValues(5, 50).Where(v => v >= 2_000_000), received);
    }

    [Fact]
    public async Task The_disk_spool_survives_a_restart_during_an_outage_and_replays_in_order()
    {
        var spool = Directory.CreateTempSubdirectory("pgmetrics-spool-").FullName;
        try
        {
            await using (var down = new NewRelicStandIn(ExporterHarness.LicenseKey) { Down = true })
            {
                using var beforeRestart = ExporterHarness.Create(down, new DiskSpoolStore(spool));
                for (var scrape = 0; scrape < 4; scrape++)
                {
                    beforeRestart.ConsumeMetrics(ExporterHarness.Scrape(scrape, databases: 10));
                }

                using var shortDeadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                Assert.False(await beforeRestart.FlushAsync(FlushMode.Normal, shortDeadline.Token));
            }

            Assert.Equal(4, Directory.GetFiles(spool, "*.otlp").Length);

            await using var up = new NewRelicStandIn(ExporterHarness.LicenseKey);
            using var afterRestart = ExporterHarness.Create(up, new DiskSpoolStore(spool), options: ExporterHarness.Options(up) with { MaxRequestBytes = 600 });
            Assert.Equal(40, afterRestart.QueuedPoints);
            await ExporterHarness.FlushAsync(afterRestart);

            var arrivalOrder = up.Accepted.SelectMany(OtlpDecoder.Decode).Select(p => p.IntValue!.Value).ToList();
            Assert.Equal(ExporterHarness.ExpectedValues(4, 10), arrivalOrder);
            Assert.Empty(Directory.GetFiles(spool));
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was not met within 20 s");
            await Task.Delay(20, Cancel);
        }
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
