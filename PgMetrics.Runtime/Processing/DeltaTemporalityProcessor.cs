using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Processing;

/// <summary>
/// Turns PostgreSQL's cumulative counters into deltas between scrapes, as New Relic prefers. Each
/// delta's start time is the previous scrape's time. The first value of a series only sets its
/// baseline. A value below the previous one means the counter was reset (pg_stat_reset, a server
/// restart), so the new value is the delta since then: a negative delta is never sent. The encoder
/// must then be told that monotonic sums are deltas (the exporter's temporality setting does both).
/// </summary>
public sealed class DeltaTemporalityProcessor : IMetricsProcessor
{
    // A series not seen for this many scrapes (a dropped table, say) is forgotten.
    private const int ForgetAfterScrapes = 10;

    private readonly Dictionary<ulong, Previous> _previous = [];
    private int _generation;

    /// <summary>Rewrites the monotonic cumulative sums of <paramref name="metrics"/> into deltas, in place.</summary>
    public void Process(MetricsBuffer metrics)
    {
        _generation++;
        metrics.RewritePoints(ToDelta);
        if (_generation % ForgetAfterScrapes == 0)
        {
            foreach (var stale in _previous.Where(p => _generation - p.Value.Generation > ForgetAfterScrapes).Select(p => p.Key).ToList())
            {
                _previous.Remove(stale);
            }
        }
    }

    private bool ToDelta(ref DataPoint point, ReadOnlySpan<KeyValue> resource, ReadOnlySpan<KeyValue> attributes)
    {
        var metric = point.Metric;
        if (metric.Kind != MetricKind.Sum || !metric.IsMonotonic || metric.Temporality != AggregationTemporality.Cumulative)
        {
            return true;
        }

        var series = SeriesHash.Compute(metric, resource, attributes);
        var current = new Previous(point.IntValue, point.DoubleValue, point.TimeUnixNano, _generation);
        if (!_previous.TryGetValue(series, out var previous))
        {
            _previous[series] = current;
            return false;
        }

        _previous[series] = current;
        var isInt = metric.ValueType == MetricValueType.Int;
        var reset = isInt ? point.IntValue < previous.IntValue : point.DoubleValue < previous.DoubleValue;
        point = point with
        {
            IntValue = isInt && !reset ? point.IntValue - previous.IntValue : point.IntValue,
            DoubleValue = !isInt && !reset ? point.DoubleValue - previous.DoubleValue : point.DoubleValue,
            StartTimeUnixNano = previous.TimeUnixNano,
        };
        return true;
    }

    private readonly record struct Previous(long IntValue, double DoubleValue, long TimeUnixNano, int Generation);
}
