using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>What the writer encodes is what an independent decoder reads, for every compression.</summary>
public sealed class OtlpEncodingTests
{
    private static readonly MetricDescriptor Durations = new("test.duration", "Durations.", "ms", MetricKind.Histogram, MetricValueType.Double, isMonotonic: false, AggregationTemporality.Cumulative);

    [Theory]
    [InlineData(OtlpCompression.Gzip, "gzip")]
    [InlineData(OtlpCompression.Zstd, "zstd")]
    [InlineData(OtlpCompression.None, "none")]
    public async Task Every_point_arrives_with_its_resource_metric_type_and_value(OtlpCompression compression, string contentEncoding)
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic, compression: compression);
        var buffer = new MetricsBuffer(startTimeUnixNano: 1_000);
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(5_000, 42);
        builder.RecordPostgresqlDbSizeDataPoint(5_000, 8_192);
        builder.SetResource(postgresqlDatabaseName: "billing");
        builder.RecordPostgresqlCommitsDataPoint(5_000, 7);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(6_000, 43);
        buffer.AddHistogramPoint(Durations, 5_000, count: 6, sum: 42.5, [1, 10], [1, 2, 3], [KeyValue.String("state", "active"), KeyValue.Int("n", -3), KeyValue.Double("ratio", 0.25), KeyValue.Bool("ok", true)]);

        exporter.ConsumeMetrics(buffer);
        await ExporterHarness.FlushAsync(exporter);

        Assert.Equal(contentEncoding, Assert.Single(newRelic.ContentEncodings));
        var points = OtlpDecoder.Decode(Assert.Single(newRelic.Accepted));
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
        Assert.Equal(new Dictionary<string, string> { ["state"] = "active", ["n"] = "-3", ["ratio"] = "0.25", ["ok"] = "true" }, histogram.Attributes);
        Assert.Equal(5, exporter.Statistics.PointsExported);
    }

    [Theory]
    [InlineData(NewRelicRegion.US, "https://otlp.nr-data.net/v1/metrics")]
    [InlineData(NewRelicRegion.EU, "https://otlp.eu01.nr-data.net/v1/metrics")]
    [InlineData(NewRelicRegion.FedRAMP, "https://gov-otlp.nr-data.net/v1/metrics")]
    public void Regions_map_to_New_Relics_endpoints(NewRelicRegion region, string expected)
    {
        using var exporter = new OtlpExporter(NewRelicEndpoints.Options("key", region));

        Assert.Equal(expected, exporter.Destination.AbsoluteUri);
    }
}
