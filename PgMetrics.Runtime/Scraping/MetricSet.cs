using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Everything generated from one metadata.yaml: its metrics, their settings and the queries that
/// collect them. The built-in catalogue is <c>PostgresqlMetricSet</c>; an app's own metadata.yaml
/// gets a set of its own.
/// </summary>
public abstract class MetricSet
{
    /// <summary>The <c>type</c> of the metadata.yaml, e.g. <c>postgresql</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Every metric the set declares.</summary>
    public abstract IReadOnlyList<MetricDescriptor> Metrics { get; }

    /// <summary>Every query the set declares.</summary>
    public abstract IReadOnlyList<MetricQuery> Queries { get; }

    /// <summary>A metric's settings by name, or null when the set has no such metric.</summary>
    public abstract MetricConfig? FindMetric(string metricName);

    /// <summary>A resource attribute's settings by name, or null when the set has no such attribute.</summary>
    public abstract ResourceAttributeConfig? FindResourceAttribute(string attributeName);

    /// <summary>
    /// Whether this set's connections load the server's types (Npgsql's type loading reads all of
    /// <c>pg_type</c> on each database's first connection). A set of one's own may select enum, domain or
    /// extension types, so it does; the built-in catalogue reads only built-in types, which Npgsql knows by OID.
    /// </summary>
    internal bool LoadsServerTypes => this is not Metadata.PostgresqlMetricSet;
}
