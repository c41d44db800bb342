using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Processing;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>The cardinality processor in front of an exporter: a buffer other exporters share stays whole, the endpoint gets the overflow series.</summary>
public sealed class CardinalityExportTests
{
    [Fact]
    public async Task Exporters_apply_the_limits_to_their_own_copy_and_send_the_overflow_series()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var limited = ExporterHarness.Create(newRelic);
        var chain = new ProcessorChain([new CardinalityLimitProcessor(new CardinalityLimits { MaxSeriesPerMetric = 2 })], limited);
        var scrape = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), scrape);
        for (var d = 0; d < 4; d++)
        {
            builder.SetResource(postgresqlDatabaseName: "db" + d);
            builder.RecordPostgresqlCommitsDataPoint(10, 3);
            builder.RecordPostgresqlBackendsDataPoint(10, 1);
        }

        // What the fan-out does for every exporter with processors but the last.
        chain.ConsumeCopyOf(scrape);
        await ExporterHarness.FlushAsync(limited);

        Assert.Equal(8, scrape.Count);
        var points = newRelic.Accepted.SelectMany(OtlpDecoder.Decode).Where(p => p.Metric == "postgresql.commits").ToList();
        Assert.Equal(3, points.Count);
        var overflow = Assert.Single(points, p => p.Attributes.ContainsKey("otel.metric.overflow"));
        Assert.Equal(("true", 6L), (overflow.Attributes["otel.metric.overflow"], overflow.IntValue!.Value));
    }
}
