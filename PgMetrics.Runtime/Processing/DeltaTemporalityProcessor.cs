using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Processing;

/// <summary>
/// Turns PostgreSQL's cumulative counters into deltas between scrapes, as New Relic prefers. Each
/// delta's start time is the previous scrape's time. The first value of a series only sets its
/// baseline. A value below the previous one means the counter was reset (pg_stat_reset, a server
/// restart), so the new value is the delta since then: a negative delta is never sent. The encoder
/// must then be told that monotonic sums are deltas (the exporter's temporality setting does both).
/// </summary>
/// <remarks>
/// One processor sees the buffers of every target, each on its own schedule, so a series' age is
/// measured in its own time: a series is forgotten (a dropped table, a removed target) once it has not
/// been seen for <see cref="ForgetAfterScrapes"/> of its own intervals, never because other targets
/// scraped in between.
/// </remarks>
public sealed class DeltaTemporalityProcessor : IMetricsProcessor
{
    /// <summary>A series not seen for this many of its own collection intervals is forgotten.</summary>
    public const int ForgetAfterScrapes = 10;

    // The interval assumed for a series seen only once so far: the default collection interval.
    private const long UnknownIntervalNanos = 60L * 1_000_000_000;

    // How often, in point time, stale series are looked for: often enough to bound memory, rarely enough to cost nothing.
    private const long SweepEveryNanos = 60L * 1_000_000_000;

    private readonly Dictionary<ulong, Previous> _previous = [];
    private long _now;
    private long _lastSweep;

    /// <summary>Series whose baseline is kept now.</summary>
    public int SeriesTracked => _previous.Count;

    /// <summary>Rewrites the monotonic cumulative sums of <paramref name="metrics"/> into deltas, in place.</summary>
    public void Process(MetricsBuffer metrics)
    {
        metrics.RewritePoints(ToDelta);
        if (_now - _lastSweep >= SweepEveryNanos)
        {
            _lastSweep = _now;
            foreach (var stale in _previous.Where(p => p.Value.IsStale(_now)).Select(p => p.Key).ToList())
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

        _now = Math.Max(_now, point.TimeUnixNano);
        var series = SeriesHash.Compute(metric, resource, attributes);
        if (!_previous.TryGetValue(series, out var previous))
        {
            _previous[series] = new Previous(point.IntValue, point.DoubleValue, point.TimeUnixNano, 0);
            return false;
        }

        _previous[series] = new Previous(point.IntValue, point.DoubleValue, point.TimeUnixNano, point.TimeUnixNano - previous.TimeUnixNano);
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

    /// <param name="IntervalNanos">The time between the series' last two points; 0 after its first.</param>
    private readonly record struct Previous(long IntValue, double DoubleValue, long TimeUnixNano, long IntervalNanos)
    {
        public bool IsStale(long now) => now - TimeUnixNano > ForgetAfterScrapes * (IntervalNanos > 0 ? IntervalNanos : UnknownIntervalNanos);
    }
}
