using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Exporter.Otlp.Resilience;
using PgMetrics.Exporter.Otlp.Transmission;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

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

    /// <summary>New Relic's options aimed at the stand-in, with fast retries.</summary>
    public static OtlpExporterOptions Options(NewRelicStandIn standIn)
        => NewRelicEndpoints.Options(LicenseKey) with { Endpoint = standIn.Endpoint, Resilience = FastResilience, Timeout = TimeSpan.FromSeconds(5) };

    public static OtlpExporter Create(NewRelicStandIn standIn, IPayloadStore? store = null, OtlpExporterOptions? options = null, OtlpCompression compression = OtlpCompression.Gzip, TimeSpan? timeout = null, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        options ??= Options(standIn);
        options = options with { Compression = compression, Timeout = timeout ?? options.Timeout };
        return new OtlpExporter(options, new ExportQueue(store ?? new MemoryPayloadStore(), options.MaxQueueBytes), logger, ownsMetricsQueue: true);
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

    public static async Task FlushAsync(OtlpExporter exporter, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        Assert.True(await exporter.FlushAsync(FlushMode.Normal, timeout.Token), $"the queue should drain; {exporter.QueuedRequests} requests left");
    }
}
