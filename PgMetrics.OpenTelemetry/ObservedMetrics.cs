using System.Diagnostics.Metrics;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.OpenTelemetry;

/// <summary>
/// Keeps what scrapes produced for the observable instruments to report when the SDK collects. Gauges and
/// non-monotonic sums report each scraper's latest values. Monotonic counters keep the collector's delta
/// rules (<see cref="DeltaTemporalityProcessor"/>): the first scrape of a series only sets its baseline, and a
/// counter that went down (pg_stat_reset, a restart) counts its new value as growth; each series reports the
/// growth since its baseline, so it never goes down and the SDK's delta temporality never sends a negative.
/// Resource attributes (<c>server.address</c>, <c>postgresql.database.name</c>…) become measurement tags, since
/// the SDK has one resource: the app's.
/// </summary>
internal sealed class ObservedMetrics : IMetricsConsumer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<MetricsBuffer, Dictionary<MetricDescriptor, List<Observation>>> _latest = [];
    private readonly Dictionary<MetricDescriptor, Dictionary<ulong, Observation>> _totals = [];
    private readonly DeltaTemporalityProcessor _deltas = new();
    private readonly MetricsBuffer _scratch = new();

    /// <inheritdoc/>
    public void ConsumeMetrics(MetricsBuffer metrics)
    {
        var latest = new Dictionary<MetricDescriptor, List<Observation>>();
        foreach (var point in metrics.Points)
        {
            if (!IsCounter(point.Metric))
            {
                var observations = latest.TryGetValue(point.Metric, out var found) ? found : latest[point.Metric] = [];
                observations.Add(new Observation(point.IntValue, point.DoubleValue, Tags(metrics.Resources[point.ResourceIndex], metrics.GetAttributes(point))));
            }
        }

        lock (_gate)
        {
            // Each scraper reuses its buffer, so the buffer names the source whose values these replace.
            _latest[metrics] = latest;
            _scratch.CopyFrom(metrics);
            _deltas.Process(_scratch);
            foreach (var point in _scratch.Points)
            {
                if (!IsCounter(point.Metric))
                {
                    continue;
                }

                var resource = _scratch.Resources[point.ResourceIndex];
                var attributes = _scratch.GetAttributes(point);
                var series = SeriesHash.Compute(point.Metric, resource, attributes);
                var totals = _totals.TryGetValue(point.Metric, out var found) ? found : _totals[point.Metric] = [];
                totals[series] = totals.TryGetValue(series, out var total)
                    ? total with { IntValue = total.IntValue + point.IntValue, DoubleValue = total.DoubleValue + point.DoubleValue }
                    : new Observation(point.IntValue, point.DoubleValue, Tags(resource, attributes));
            }
        }
    }

    /// <summary>The integer measurements of <paramref name="metric"/> now.</summary>
    public IEnumerable<Measurement<long>> Longs(MetricDescriptor metric)
        => Observe(metric).Select(o => new Measurement<long>(o.IntValue, o.Tags));

    /// <summary>The floating-point measurements of <paramref name="metric"/> now.</summary>
    public IEnumerable<Measurement<double>> Doubles(MetricDescriptor metric)
        => Observe(metric).Select(o => new Measurement<double>(o.DoubleValue, o.Tags));

    private static bool IsCounter(MetricDescriptor metric)
        => metric.Kind == MetricKind.Sum && metric.IsMonotonic && metric.Temporality == AggregationTemporality.Cumulative;

    private static KeyValuePair<string, object?>[] Tags(ReadOnlySpan<KeyValue> resource, ReadOnlySpan<KeyValue> attributes)
    {
        var tags = new KeyValuePair<string, object?>[resource.Length + attributes.Length];
        var i = 0;
        foreach (var attribute in resource)
        {
            tags[i++] = AttributeTags.Tag(attribute);
        }

        foreach (var attribute in attributes)
        {
            tags[i++] = AttributeTags.Tag(attribute);
        }

        return tags;
    }

    private List<Observation> Observe(MetricDescriptor metric)
    {
        lock (_gate)
        {
            return IsCounter(metric)
                ? [.. _totals.TryGetValue(metric, out var totals) ? totals.Values : Enumerable.Empty<Observation>()]
                : [.. _latest.Values.SelectMany(source => source.TryGetValue(metric, out var observations) ? observations : [])];
        }
    }

    private readonly record struct Observation(long IntValue, double DoubleValue, KeyValuePair<string, object?>[] Tags);
}
