using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>One scrape's points, looked up by metric and database.</summary>
public sealed class Scrape
{
    private readonly Dictionary<(string Metric, string? Database), long> _values = [];

    private Scrape(ScrapeResult result) => Result = result;

    public ScrapeResult Result { get; }

    public IEnumerable<string> MetricNames => _values.Keys.Select(k => k.Metric).Distinct();

    public IEnumerable<string?> DatabaseNames => _values.Keys.Select(k => k.Database).Distinct();

    public static async Task<Scrape> RunAsync(string connectionString, IReadOnlyList<string> databases, CancellationToken cancellationToken, IReadOnlyList<string>? excludeDatabases = null)
    {
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = connectionString, Databases = databases, ExcludeDatabases = excludeDatabases ?? [] },
            new PostgresqlMetricSet(DatabaseLevelOnly()));
        var result = await scraper.ScrapeAsync(cancellationToken);
        var buffer = result.Metrics;
        var scrape = new Scrape(result);
        foreach (var point in buffer.Points)
        {
            var database = buffer.Resources[point.ResourceIndex].Where(a => a.Key == PostgresqlAttributeNames.PostgresqlDatabaseName).Select(a => a.StringValue).FirstOrDefault();
            scrape._values[(point.Metric.Name, database)] = point.IntValue;
        }

        return scrape;
    }

    /// <summary>
    /// The default metrics minus those from per-database queries: those connect to the database under
    /// test and their own transactions would show up in the commit counts these tests measure.
    /// </summary>
    private static PostgresqlMetricsConfig DatabaseLevelOnly()
    {
        var config = new PostgresqlMetricsConfig();
        foreach (var name in PostgresqlMetricsConfig.MetricNames)
        {
            var alone = new PostgresqlMetricsConfig();
            foreach (var other in PostgresqlMetricsConfig.MetricNames)
            {
                alone.Find(other)!.Enabled = other == name;
            }

            if (new PostgresqlMetricSet(alone).Queries.Any(q => q.IsNeeded && q.Scope == QueryScope.PerDatabase))
            {
                config.Find(name)!.Enabled = false;
            }
        }

        return config;
    }

    public long Value(string metric, string? database)
        => _values.TryGetValue((metric, database), out var value) ? value : throw new KeyNotFoundException($"no point of {metric} for database {database}; have: {string.Join(", ", _values.Keys)}");
}
