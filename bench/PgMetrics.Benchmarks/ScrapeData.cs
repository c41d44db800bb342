using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Benchmarks;

/// <summary>A scrape shaped like a real one: many databases (resources), four metrics each, realistic values.</summary>
internal static class ScrapeData
{
    public static MetricsBuffer Create(int databases)
    {
        var random = new Random(7);
        var buffer = new MetricsBuffer(startTimeUnixNano: 1_732_500_000_000_000_000);
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        var now = 1_732_500_060_000_000_000L;
        for (var d = 0; d < databases; d++)
        {
            builder.SetResource(postgresqlDatabaseName: "tenant_" + d.ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
            builder.RecordPostgresqlBackendsDataPoint(now, random.Next(0, 40));
            builder.RecordPostgresqlCommitsDataPoint(now, random.NextInt64(1_000, 50_000_000));
            builder.RecordPostgresqlRollbacksDataPoint(now, random.NextInt64(0, 10_000));
            builder.RecordPostgresqlDbSizeDataPoint(now, random.NextInt64(8_000_000, 80_000_000_000));
        }

        return buffer;
    }
}
