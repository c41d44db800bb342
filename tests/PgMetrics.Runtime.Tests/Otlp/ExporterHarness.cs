using PgMetrics.Runtime.Export;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Resilience;

using PgMetrics.TestOtlp;

namespace PgMetrics.Runtime.Tests.Otlp;

/// <summary>Builds exporters aimed at a stand-in, with short delays, and scrapes whose every point is unique.</summary>
internal static class ExporterHarness
{
    public const string LicenseKey = "eu01xx-test-license-key-0123456789NRAL";

    public static ExportResilienceOptions FastResilience { get; } = new()
    {
        MaxRetryAttempts = 4,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromSeconds(2),
        BreakDuration = TimeSpan.FromMilliseconds(500),
        MinimumThroughput = 4,
        SamplingDuration = TimeSpan.FromSeconds(5),
    };

    public static MetricsExporter Create(NewRelicStandIn standIn, IPayloadStore? store = null, MetricsExporterOptions? options = null, OtlpCompression compression = OtlpCompression.Gzip, TimeSpan? timeout = null, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        options ??= new MetricsExporterOptions { Resilience = FastResilience };
        var sender = new OtlpHttpSender(NewRelicEndpoints.Options(LicenseKey) with { Endpoint = standIn.Endpoint, Compression = compression, Timeout = timeout ?? TimeSpan.FromSeconds(5) });
        return new MetricsExporter(sender, new ExportQueue(store ?? new MemoryPayloadStore(), options.MaxQueueBytes), options, logger);
    }

    /// <summary>A scrape of <paramref name="databases"/> commit counters; values are scrape * 1,000,000 + database, so each point is unique.</summary>
    public static MetricsBuffer Scrape(int scrape, int databases, string padding = "")
    {
        var buffer = new MetricsBuffer(startTimeUnixNano: 1);
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        for (var d = 0; d < databases; d++)
        {
            builder.SetResource(postgresqlDatabaseName: $"db{d}{padding}");
            builder.RecordPostgresqlCommitsDataPoint(1_000 + scrape, (scrape * 1_000_000L) + d);
        }

        return buffer;
    }

    public static List<long> ExpectedValues(int scrapes, int databases)
        => Enumerable.Range(0, scrapes).SelectMany(s => Enumerable.Range(0, databases).Select(d => (s * 1_000_000L) + d)).Order().ToList();

    public static List<long> ReceivedValues(NewRelicStandIn standIn)
    {
        lock (standIn.Accepted)
        {
            return standIn.Accepted.SelectMany(OtlpDecoder.Decode).Select(p => p.IntValue!.Value).Order().ToList();
        }
    }

    public static async Task FlushAsync(MetricsExporter exporter, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        Assert.True(await exporter.FlushAsync(timeout.Token), $"the queue should drain; {exporter.Queue.Count} requests left");
    }
}
