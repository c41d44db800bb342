using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>One recorded data point with its resource and point attributes as text, for assertions.</summary>
public sealed record CollectedPoint(string Metric, IReadOnlyDictionary<string, string> Resource, IReadOnlyDictionary<string, string> Attributes, double Value)
{
    public string? Database => Resource.GetValueOrDefault("postgresql.database.name");

    public string? Table => Resource.GetValueOrDefault("postgresql.table.name");

    public string? Index => Resource.GetValueOrDefault("postgresql.index.name");

    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);

    public override string ToString()
        => $"{Metric} [{string.Join(", ", Resource.Select(a => a.Key + "=" + a.Value))}] {{{string.Join(", ", Attributes.Select(a => a.Key + "=" + a.Value))}}} = {Value}";
}

/// <summary>Everything one scrape recorded, with the scrape's result.</summary>
public sealed class CollectedPoints
{
    private CollectedPoints(ScrapeResult result, IReadOnlyList<CollectedPoint> points)
    {
        Result = result;
        Points = points;
    }

    public ScrapeResult Result { get; }

    public IReadOnlyList<CollectedPoint> Points { get; }

    public IEnumerable<string> MetricNames => Points.Select(p => p.Metric).Distinct(StringComparer.Ordinal);

    public static async Task<CollectedPoints> ScrapeAsync(PostgresScraper scraper, CancellationToken cancellationToken)
    {
        var result = await scraper.ScrapeAsync(cancellationToken);
        var buffer = result.Metrics;
        var points = new List<CollectedPoint>();
        foreach (var point in buffer.Points.ToArray())
        {
            points.Add(new CollectedPoint(
                point.Metric.Name,
                buffer.Resources[point.ResourceIndex].ToDictionary(a => a.Key, a => a.FormatValue()),
                buffer.GetAttributes(point).ToArray().ToDictionary(a => a.Key, a => a.FormatValue()),
                point.AsDouble()));
        }

        return new CollectedPoints(result, points);
    }

    /// <summary>
    /// Scrapes until <paramref name="ready"/> holds or 40 s pass: statistics reach the views
    /// asynchronously, and WAL archiving and replication feedback take a moment.
    /// </summary>
    public static async Task<CollectedPoints> ScrapeUntilAsync(PostgresScraper scraper, Func<CollectedPoints, bool> ready, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (true)
        {
            var scrape = await ScrapeAsync(scraper, cancellationToken);
            if (ready(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }

            await Task.Delay(300, cancellationToken);
        }
    }

    /// <summary>The scrape's errors and points, one a line, for failure messages.</summary>
    public override string ToString()
        => $"errors: [{string.Join("; ", Result.Errors.Select(e => e.ToString()))}]\n  {string.Join("\n  ", Points)}";

    /// <summary>The points of a metric that match the filter.</summary>
    public IEnumerable<CollectedPoint> Of(string metric, Func<CollectedPoint, bool>? filter = null)
        => Points.Where(p => p.Metric == metric && (filter is null || filter(p)));

    /// <summary>The one point of a metric that matches the filter; fails with what was there if not exactly one.</summary>
    public CollectedPoint Single(string metric, Func<CollectedPoint, bool>? filter = null)
    {
        var matches = Of(metric, filter).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"expected one point of {metric}, found {matches.Count}:\n  {string.Join("\n  ", Of(metric))}");
    }
}
