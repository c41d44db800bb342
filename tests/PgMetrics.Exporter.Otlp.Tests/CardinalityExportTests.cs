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

    [Fact]
    public async Task Attribute_values_arrive_within_4095_UTF8_bytes_cut_where_a_character_ends()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic);
        var chain = new ProcessorChain([new CardinalityLimitProcessor(new CardinalityLimits())], exporter);
        // Within 4,095 UTF-16 units each, but over 4,095 bytes: CJK (3 bytes), é (2 bytes) and an emoji (4 bytes) at the boundary.
        var cjk = string.Concat(Enumerable.Repeat("漢", 2_000));
        var accented = new string('a', 4_091) + "é" + "tail";
        var emoji = new string('a', 4_090) + "\U0001F418" + "tail";
        var scrape = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), scrape);
        foreach (var name in new[] { cjk, accented, emoji })
        {
            builder.SetResource(postgresqlDatabaseName: name);
            builder.RecordPostgresqlCommitsDataPoint(10, 3);
        }

        chain.ConsumeMetrics(scrape);
        await ExporterHarness.FlushAsync(exporter);

        // The decoder reads the wire's UTF-8; a cut inside a character would come back with U+FFFD and match nothing.
        var names = newRelic.Accepted.SelectMany(OtlpDecoder.Decode).Select(p => p.Resource["postgresql.database.name"]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[] { string.Concat(Enumerable.Repeat("漢", 1_364)) + "\u2026", new string('a', 4_091) + "\u2026", new string('a', 4_090) + "\u2026" }.Order(StringComparer.Ordinal),
            names);
        Assert.All(names, name => Assert.True(System.Text.Encoding.UTF8.GetByteCount(name) <= 4_095, name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
