using PgMetrics.Metadata.Model;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;
using MetricKind = PgMetrics.Runtime.Metrics.MetricKind;

namespace PgMetrics.Metadata.Interpreter;

/// <summary>
/// The metrics and queries of a metadata.yaml read at run time: the same <see cref="MetricSet"/> the
/// source generator would emit for the file (same SQL per server version, requirements, column checks,
/// resource and data point attributes, enum checks, enabled switches and data points), built by
/// interpreting the validated model instead of compiling code, with no reflection.
/// </summary>
/// <example>
/// <code>
/// var parsed = MetadataParser.Parse(File.ReadAllText(path), path);
/// if (parsed.Spec is { } spec)
/// {
///     var set = new InterpretedMetricSet(spec);
///     set.FindMetric("shop.orders")!.Enabled = false;
///     await using var scraper = new PostgresScraper(options, set);
/// }
/// </code>
/// </example>
public sealed class InterpretedMetricSet : MetricSet
{
    private readonly Dictionary<string, MetricConfig> _metricConfigs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResourceAttributeConfig> _resourceAttributeConfigs = new(StringComparer.Ordinal);

    /// <summary>Creates the set with every metric and resource attribute at its metadata.yaml default.</summary>
    /// <param name="spec">A model from <see cref="Parsing.MetadataParser.Parse"/>, which only returns one for a file without mistakes.</param>
    public InterpretedMetricSet(MetadataSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        Type = spec.Type;

        var descriptors = new Dictionary<string, MetricDescriptor>(StringComparer.Ordinal);
        foreach (var metric in spec.Metrics)
        {
            descriptors[metric.Name] = Descriptor(metric);
            _metricConfigs[metric.Name] = new MetricConfig(metric.Enabled);
        }

        foreach (var attribute in spec.ResourceAttributes)
        {
            _resourceAttributeConfigs[attribute.Key] = new ResourceAttributeConfig(attribute.Enabled);
        }

        Metrics = [.. spec.Metrics.Select(m => descriptors[m.Name])];
        Queries = [.. spec.Queries.Select(q => new InterpretedQuery(q, spec.ResourceAttributes, descriptors, _metricConfigs, _resourceAttributeConfigs))];
    }

    /// <summary>The model the set interprets.</summary>
    public MetadataSpec Spec { get; }

    /// <inheritdoc/>
    public override string Type { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDescriptor> Metrics { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricQuery> Queries { get; }

    /// <inheritdoc/>
    public override MetricConfig? FindMetric(string metricName) => _metricConfigs.GetValueOrDefault(metricName);

    /// <inheritdoc/>
    /// <remarks>Found by the attribute's key in metadata.yaml, as the generated config does.</remarks>
    public override ResourceAttributeConfig? FindResourceAttribute(string attributeName) => _resourceAttributeConfigs.GetValueOrDefault(attributeName);

    private static MetricDescriptor Descriptor(MetricSpec metric) => new(
        metric.Name,
        metric.Description,
        metric.Unit,
        metric.Kind switch { Model.MetricKind.Sum => MetricKind.Sum, Model.MetricKind.Histogram => MetricKind.Histogram, _ => MetricKind.Gauge },
        metric.ValueType == NumberType.Double ? MetricValueType.Double : MetricValueType.Int,
        metric.Monotonic,
        metric.Temporality == Temporality.Delta ? AggregationTemporality.Delta : AggregationTemporality.Cumulative);
}
