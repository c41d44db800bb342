using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Runtime.Tests.Processing;

/// <summary>Series over the limits fold into one overflow series per metric; nothing vanishes uncounted.</summary>
public sealed class CardinalityLimitProcessorTests
{
    private static MetricsBuffer Scrape(int databases, long value = 1, int firstDatabase = 0)
    {
        var buffer = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        for (var d = firstDatabase; d < firstDatabase + databases; d++)
        {
            builder.SetResource(postgresqlDatabaseName: "db" + d);
            builder.RecordPostgresqlCommitsDataPoint(10, value);
            builder.RecordPostgresqlBackendsDataPoint(10, 1);
        }

        return buffer;
    }

    private static List<(string Metric, string? Database, bool Overflow, long Value)> Series(MetricsBuffer buffer)
        => buffer.Points.ToArray().Select(p => (
            p.Metric.Name,
            buffer.Resources[p.ResourceIndex].Select(a => a.StringValue).FirstOrDefault(),
            buffer.GetAttributes(p).ToArray().Any(a => a.Key == CardinalityLimitProcessor.OverflowAttribute && a.BoolValue),
            p.IntValue)).ToList();

    [Fact]
    public void Series_over_the_per_metric_limit_fold_into_one_overflow_series_with_their_sum()
    {
        var limiter = new CardinalityLimitProcessor(new CardinalityLimits { MaxSeriesPerMetric = 3 });
        var buffer = Scrape(databases: 10, value: 5);

        limiter.Process(buffer);

        var commits = Series(buffer).Where(s => s.Metric == "postgresql.commits").ToList();
        Assert.Equal(4, commits.Count);
        Assert.Equal(["db0", "db1", "db2"], commits.Where(s => !s.Overflow).Select(s => s.Database));
        var overflow = Assert.Single(commits, s => s.Overflow);
        Assert.Equal((null, 35L), (overflow.Database, overflow.Value));
        Assert.Equal(14, limiter.SeriesOverflowed);
    }

    [Fact]
    public void Admitted_series_stay_admitted_and_newcomers_overflow()
    {
        var limiter = new CardinalityLimitProcessor(new CardinalityLimits { MaxSeriesPerMetric = 2 });
        limiter.Process(Scrape(databases: 2));

        var reordered = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), reordered);
        foreach (var database in new[] { "db9", "db1", "db0" })
        {
            builder.SetResource(postgresqlDatabaseName: database);
            builder.RecordPostgresqlCommitsDataPoint(20, 1);
        }

        limiter.Process(reordered);

        var kept = Series(reordered).Where(s => !s.Overflow).Select(s => s.Database).Order().ToList();
        Assert.Equal(["db0", "db1"], kept);
        Assert.Single(Series(reordered), s => s.Overflow);
    }

    [Fact]
    public void The_total_limit_applies_across_metrics()
    {
        var limiter = new CardinalityLimitProcessor(new CardinalityLimits { MaxSeriesPerMetric = 100, MaxSeriesTotal = 5 });
        var buffer = Scrape(databases: 5);

        limiter.Process(buffer);

        Assert.Equal(5, Series(buffer).Count(s => !s.Overflow));
        Assert.Equal(5, limiter.SeriesOverflowed);
    }

    [Fact]
    public void Attribute_values_longer_than_New_Relic_accepts_are_cut_and_counted()
    {
        var limiter = new CardinalityLimitProcessor(new CardinalityLimits());
        var buffer = new MetricsBuffer();
        buffer.BeginResource();
        buffer.AddResourceAttribute(KeyValue.String("postgresql.database.name", new string('d', 5_000)));
        buffer.EndResource();
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 1L, [KeyValue.String("query", new string('q', 4_096))]);

        limiter.Process(buffer);

        Assert.Equal(4_095, System.Text.Encoding.UTF8.GetByteCount(buffer.Resources[0][0].StringValue));
        Assert.Equal(4_095, System.Text.Encoding.UTF8.GetByteCount(buffer.GetAttributes(buffer.Points[0])[0].StringValue));
        Assert.Equal(2, limiter.ValuesTruncated);
    }

    [Fact]
    public void Attribute_values_are_cut_by_their_UTF8_bytes_not_their_UTF16_length()
    {
        var limiter = new CardinalityLimitProcessor(new CardinalityLimits());
        var buffer = new MetricsBuffer();
        buffer.BeginResource();
        // 2,000 and 2,200 UTF-16 units, within 4,095, but 6,000 and 4,400 bytes.
        buffer.AddResourceAttribute(KeyValue.String("postgresql.database.name", string.Concat(Enumerable.Repeat("漢", 2_000))));
        buffer.EndResource();
        buffer.AddPoint(PostgresqlMetricDescriptors.PostgresqlCommits, 1, 1L, [KeyValue.String("query", string.Concat(Enumerable.Repeat("\U0001F418", 1_100)))]);

        limiter.Process(buffer);

        var resourceValue = buffer.Resources[0][0].StringValue;
        var pointValue = buffer.GetAttributes(buffer.Points[0])[0].StringValue;
        Assert.Equal(string.Concat(Enumerable.Repeat("漢", 1_364)) + "\u2026", resourceValue);
        Assert.Equal(string.Concat(Enumerable.Repeat("\U0001F418", 1_023)) + "\u2026", pointValue);
        Assert.Equal(2, limiter.ValuesTruncated);
    }
}
