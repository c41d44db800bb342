using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PgMetrics.Exporter.Otlp.Serialization;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Processing;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>The protobuf and JSON encoders share one layout and one set of options, so what they say about the same buffer cannot drift.</summary>
public sealed class OtlpEncodersAgreeTests
{
    private static readonly MetricDescriptor Durations = new("test.duration", "Durations.", "s", MetricKind.Histogram, MetricValueType.Double, isMonotonic: false);

    [Fact]
    public void Scope_start_times_and_temporality_are_the_same_in_protobuf_and_JSON()
    {
        var delta = new DeltaTemporalityProcessor();
        MetricsBuffer Scrape(long time, long commits)
        {
            var buffer = new MetricsBuffer(startTimeUnixNano: 100);
            var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
            builder.SetResource(postgresqlDatabaseName: "shop");
            builder.RecordPostgresqlCommitsDataPoint(time, commits);
            builder.RecordPostgresqlDbSizeDataPoint(time, 8_192);
            buffer.AddHistogramPoint(Durations, time, 2, 0.5, [0.1], [1, 1]);
            return buffer;
        }

        delta.Process(Scrape(1_000, 10));
        var second = Scrape(2_000, 15);
        delta.Process(second);
        var options = new OtlpEncodingOptions { ScopeName = "pgmetrics-test", ScopeVersion = "9.9.9", MonotonicSumTemporality = AggregationTemporality.Delta };

        var protobuf = new ArrayBufferWriter<byte>();
        new OtlpMetricsWriter(options).Write(second, protobuf);
        var json = new ArrayBufferWriter<byte>();
        new OtlpJsonWriter(options).Write(second, json);

        var decoded = OtlpDecoder.Decode(protobuf.WrittenSpan.ToArray());
        Assert.Equal([("pgmetrics-test", "9.9.9")], OtlpDecoder.Scopes(protobuf.WrittenSpan.ToArray()));
        using var document = JsonDocument.Parse(json.WrittenMemory);
        var scopeMetrics = document.RootElement.GetProperty("resourceMetrics").EnumerateArray().SelectMany(r => r.GetProperty("scopeMetrics").EnumerateArray()).ToList();
        Assert.All(scopeMetrics, s => Assert.Equal(("pgmetrics-test", "9.9.9"), (s.GetProperty("scope").GetProperty("name").GetString(), s.GetProperty("scope").GetProperty("version").GetString())));
        var jsonMetrics = scopeMetrics.SelectMany(s => s.GetProperty("metrics").EnumerateArray()).ToDictionary(m => m.GetProperty("name").GetString()!);

        foreach (var point in decoded)
        {
            var metric = jsonMetrics[point.Metric].GetProperty(point.Kind);
            var jsonPoint = metric.GetProperty("dataPoints")[0];
            if (point.Kind != "gauge")
            {
                Assert.Equal(point.Temporality, metric.GetProperty("aggregationTemporality").GetInt32());
                Assert.Equal(point.StartTime, ulong.Parse(jsonPoint.GetProperty("startTimeUnixNano").GetString()!, CultureInfo.InvariantCulture));
            }

            Assert.Equal(point.Time, ulong.Parse(jsonPoint.GetProperty("timeUnixNano").GetString()!, CultureInfo.InvariantCulture));
        }

        var commits = decoded.Single(p => p.Metric == "postgresql.commits");
        Assert.Equal((5L, 1_000UL, 1), (commits.IntValue!.Value, commits.StartTime, commits.Temporality));
        var histogram = decoded.Single(p => p.Metric == "test.duration");
        Assert.Equal((100UL, 2), (histogram.StartTime, histogram.Temporality));
    }
}
