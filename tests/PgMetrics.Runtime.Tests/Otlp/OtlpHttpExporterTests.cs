using PgMetrics.Runtime.Export;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Tests.Otlp;

/// <summary>Metrics sent to a New Relic stand-in on loopback arrive intact, as an independent decoder reads them.</summary>
public sealed class OtlpHttpExporterTests
{
    private const string LicenseKey = "eu01xx-test-license-key-0123456789NRAL";

    private static readonly MetricDescriptor Durations = new("test.duration", "Durations.", "ms", MetricKind.Histogram, MetricValueType.Double, isMonotonic: false, AggregationTemporality.Cumulative,
        [0x0A, 0x0D, .. "test.duration"u8, 0x12, 0x0A, .. "Durations."u8, 0x1A, 0x02, .. "ms"u8]);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(OtlpCompression.Gzip)]
    [InlineData(OtlpCompression.None)]
    public async Task Every_point_arrives_with_its_resource_metric_type_and_value(OtlpCompression compression)
    {
        await using var newRelic = new NewRelicStandIn(LicenseKey);
        using var exporter = new OtlpHttpExporter(NewRelicEndpoints.Options(LicenseKey) with { Endpoint = newRelic.Endpoint, Compression = compression });
        var buffer = new MetricsBuffer(startTimeUnixNano: 1_000);
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(5_000, 42);
        builder.RecordPostgresqlDbSizeDataPoint(5_000, 8_192);
        builder.SetResource(postgresqlDatabaseName: "billing");
        builder.RecordPostgresqlCommitsDataPoint(5_000, 7);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(6_000, 43);
        buffer.AddHistogramPoint(Durations, 5_000, count: 6, sum: 42.5, [1, 10], [1, 2, 3], [KeyValue.String("state", "active"), KeyValue.Int("n", -3)]);

        var result = await exporter.ExportAsync(buffer, Cancel);

        Assert.True(result.Succeeded, result.ToString());
        var points = OtlpDecoder.Decode(Assert.Single(newRelic.Requests));
        Assert.Empty(newRelic.Problems);
        Assert.Equal(5, points.Count);

        var shopCommits = points.Where(p => p.Metric == "postgresql.commits" && p.Resource["postgresql.database.name"] == "shop").ToList();
        Assert.Equal([42L, 43L], shopCommits.Select(p => p.IntValue!.Value));
        Assert.All(shopCommits, p => Assert.Equal(("sum", 2, true, 1_000UL), (p.Kind, p.Temporality, p.Monotonic, p.StartTime)));
        Assert.Equal(7, points.Single(p => p.Metric == "postgresql.commits" && p.Resource["postgresql.database.name"] == "billing").IntValue);

        var size = points.Single(p => p.Metric == "postgresql.db_size");
        Assert.Equal(("By", 8_192L, false, 5_000UL), (size.Unit, size.IntValue!.Value, size.Monotonic, size.Time));

        var histogram = points.Single(p => p.Metric == "test.duration");
        Assert.Equal(("histogram", 6UL, 42.5), (histogram.Kind, histogram.Count, histogram.Sum));
        Assert.Equal([1UL, 2UL, 3UL], histogram.BucketCounts);
        Assert.Equal([1d, 10d], histogram.Bounds);
        Assert.Equal("active", histogram.Attributes["state"]);
        Assert.Equal("-3", histogram.Attributes["n"]);
    }

    [Fact]
    public async Task A_rejected_key_is_a_failed_result_that_does_not_contain_the_key()
    {
        await using var newRelic = new NewRelicStandIn("the-right-key");
        using var exporter = new OtlpHttpExporter(NewRelicEndpoints.Options(LicenseKey) with { Endpoint = newRelic.Endpoint });
        var buffer = new MetricsBuffer();
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 1L);

        var result = await exporter.ExportAsync(buffer, Cancel);

        Assert.False(result.Succeeded);
        Assert.Equal(403, result.StatusCode);
        Assert.DoesNotContain(LicenseKey, result.ToString(), StringComparison.Ordinal);
        Assert.Empty(newRelic.Requests);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_failed_result_not_an_exception()
    {
        using var exporter = new OtlpHttpExporter(new OtlpExporterOptions { Endpoint = new Uri("http://127.0.0.1:1"), Timeout = TimeSpan.FromSeconds(5) });
        var buffer = new MetricsBuffer();
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 1L);

        var result = await exporter.ExportAsync(buffer, Cancel);

        Assert.False(result.Succeeded);
        Assert.Equal(0, result.StatusCode);
        Assert.Contains("127.0.0.1:1", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("US", "https://otlp.nr-data.net/v1/metrics")]
    [InlineData("eu", "https://otlp.eu01.nr-data.net/v1/metrics")]
    [InlineData("FedRAMP", "https://gov-otlp.nr-data.net/v1/metrics")]
    public void Regions_map_to_New_Relics_endpoints(string region, string expected)
        => Assert.Equal(expected, NewRelicEndpoints.Options("key", region).MetricsUri.AbsoluteUri);
}
