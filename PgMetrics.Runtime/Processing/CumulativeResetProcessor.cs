using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Processing;

/// <summary>
/// Keeps cumulative counters true to OpenTelemetry's data model when PostgreSQL resets them
/// (<c>pg_stat_reset()</c>, <c>pg_stat_statements_reset()</c>, a restart, a dropped and re-created object):
/// a monotonic cumulative sum whose value is lower than the previous one starts a new cumulative series, with a
/// new start time, rather than going down under an unchanged one. Every point of a series carries the start time
/// of the series it belongs to.
/// </summary>
/// <remarks>
/// The data model ("Resets and Gaps", opentelemetry-specification/specification/metrics/data-model.md): in an
/// unbroken cumulative sequence every point has the start time of the first; a start time earlier than the point's
/// time begins a new sequence with a "true" reset at that start, counting from an implicit zero. A back end reads
/// a value lower than the previous one under the same start time as a broken stream, not a reset.
/// The new start time is the previous point's time: the counter was reset after that scrape read it and before
/// this one, so counting from zero since then is what the new value measures. The server's own reset time
/// (<c>pg_stat_database.stats_reset</c>, <c>pg_stat_statements_info.stats_reset</c>) is not read by the scrapes,
/// so the observation is what tells. A series is first sent with the start time its point or buffer carries.
/// <para>
/// One processor sees the buffers of every target, each on its own schedule, so a series is forgotten once it
/// has not been seen for <see cref="DeltaTemporalityProcessor.ForgetAfterScrapes"/> of its own intervals.
/// </para>
/// </remarks>
public sealed class CumulativeResetProcessor : IMetricsProcessor
{
    // The interval assumed for a series seen only once so far: the default collection interval.
    private const long UnknownIntervalNanos = 60L * 1_000_000_000;

    // How often, in point time, stale series are looked for.
    private const long SweepEveryNanos = 60L * 1_000_000_000;

    private readonly Dictionary<ulong, Series> _series = [];
    private long _now;
    private long _lastSweep;

    /// <summary>Series whose last value and start time are kept now.</summary>
    public int SeriesTracked => _series.Count;

    /// <summary>Resets seen so far: points that began a new cumulative series.</summary>
    public long ResetsSeen { get; private set; }

    /// <summary>Gives every monotonic cumulative sum of <paramref name="metrics"/> its series' start time, in place.</summary>
    public void Process(MetricsBuffer metrics)
    {
        var bufferStart = metrics.StartTimeUnixNano;
        metrics.RewritePoints((ref DataPoint point, ReadOnlySpan<KeyValue> resource, ReadOnlySpan<KeyValue> attributes) =>
        {
            StampStart(ref point, resource, attributes, bufferStart);
            return true;
        });

        if (_now - _lastSweep >= SweepEveryNanos)
        {
            _lastSweep = _now;
            foreach (var stale in _series.Where(s => s.Value.IsStale(_now)).Select(s => s.Key).ToList())
            {
                _series.Remove(stale);
            }
        }
    }

    private void StampStart(ref DataPoint point, ReadOnlySpan<KeyValue> resource, ReadOnlySpan<KeyValue> attributes, long bufferStart)
    {
        var metric = point.Metric;
        if (metric.Kind != MetricKind.Sum || !metric.IsMonotonic || metric.Temporality != AggregationTemporality.Cumulative)
        {
            return;
        }

        _now = Math.Max(_now, point.TimeUnixNano);
        var key = SeriesHash.Compute(metric, resource, attributes);
        long start;
        if (!_series.TryGetValue(key, out var previous))
        {
            start = point.StartTimeUnixNano != 0 ? point.StartTimeUnixNano : bufferStart;
        }
        else
        {
            var wentDown = metric.ValueType == MetricValueType.Int ? point.IntValue < previous.IntValue : point.DoubleValue < previous.DoubleValue;
            if (wentDown)
            {
                ResetsSeen++;
            }

            start = wentDown ? previous.TimeUnixNano : previous.StartTimeUnixNano;
        }

        var interval = previous.TimeUnixNano == 0 ? 0 : point.TimeUnixNano - previous.TimeUnixNano;
        _series[key] = new Series(point.IntValue, point.DoubleValue, point.TimeUnixNano, start, interval);
        point = point with { StartTimeUnixNano = start };
    }

    /// <param name="IntervalNanos">The time between the series' last two points; 0 after its first.</param>
    private readonly record struct Series(long IntValue, double DoubleValue, long TimeUnixNano, long StartTimeUnixNano, long IntervalNanos)
    {
        public bool IsStale(long now)
            => now - TimeUnixNano > DeltaTemporalityProcessor.ForgetAfterScrapes * (IntervalNanos > 0 ? IntervalNanos : UnknownIntervalNanos);
    }
}
