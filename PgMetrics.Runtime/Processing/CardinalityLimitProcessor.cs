using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Runtime.Processing;

/// <summary>
/// Keeps the number of series within bounds so no metric explodes New Relic's cardinality limits.
/// Series are admitted first come, first served, and stay admitted while they keep reporting; a
/// series beyond a bound is folded into one series per metric whose only attribute is
/// <c>otel.metric.overflow=true</c> (the OpenTelemetry convention), its value summed in. Attribute
/// values longer than New Relic accepts are cut. Everything folded or cut is counted.
/// </summary>
public sealed class CardinalityLimitProcessor : IMetricsProcessor
{
    /// <summary>The attribute that marks the series holding everything over the limit.</summary>
    public const string OverflowAttribute = "otel.metric.overflow";

    private static readonly KeyValue[] OverflowAttributes = [KeyValue.Bool(OverflowAttribute, true)];

    private readonly CardinalityLimits _options;
    private readonly string _exporter;
    // How often, in point time, series not seen for ForgetAfter are looked for.
    private const long SweepEveryNanos = 60L * 1_000_000_000;

    // Each admitted series: its metric (so forgetting it frees a place in that metric's count) and when it was last seen.
    private readonly Dictionary<ulong, (MetricDescriptor Metric, long LastSeen)> _lastSeen = [];
    private readonly Dictionary<MetricDescriptor, int> _seriesPerMetric = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MetricDescriptor, (long Int, double Double, long Time)> _overflow = new(ReferenceEqualityComparer.Instance);
    private long _now;
    private long _lastSweep;

    /// <summary>Creates a limiter for one exporter's chain.</summary>
    /// <param name="limits">The bounds.</param>
    /// <param name="exporter">The exporter's name, for the <c>pgmetrics.series.overflowed</c> self-metric.</param>
    public CardinalityLimitProcessor(CardinalityLimits limits, string exporter = "")
    {
        _options = limits;
        _exporter = exporter;
    }

    /// <summary>Series folded into overflow series, in total.</summary>
    public long SeriesOverflowed { get; private set; }

    /// <summary>Attribute values cut to the length limit, in total.</summary>
    public long ValuesTruncated { get; private set; }

    /// <summary>Applies the bounds to <paramref name="metrics"/> in place.</summary>
    public void Process(MetricsBuffer metrics)
    {
        _overflow.Clear();
        var truncated = metrics.TruncateAttributeValues(_options.MaxAttributeValueBytes);
        ValuesTruncated += truncated;
        var overflowed = 0L;
        metrics.RewritePoints((ref DataPoint point, ReadOnlySpan<KeyValue> resource, ReadOnlySpan<KeyValue> attributes) =>
        {
            var series = SeriesHash.Compute(point.Metric, resource, attributes);
            _now = Math.Max(_now, point.TimeUnixNano);
            if (_lastSeen.ContainsKey(series) || Admit(point.Metric))
            {
                _lastSeen[series] = (point.Metric, point.TimeUnixNano);
                return true;
            }

            if (point.Metric.Kind == MetricKind.Histogram)
            {
                overflowed++;
                return false;
            }

            var sum = _overflow.GetValueOrDefault(point.Metric);
            _overflow[point.Metric] = (sum.Int + point.IntValue, sum.Double + point.DoubleValue, Math.Max(sum.Time, point.TimeUnixNano));
            overflowed++;
            return false;
        });

        if (_overflow.Count > 0)
        {
            // One series per metric, under a resource of its own: the folded series came from many
            // resources (databases, tables), so none of theirs describes the sum.
            var overflowResource = metrics.AddResource([]);
            foreach (var (metric, value) in _overflow)
            {
                metrics.AddPointToResource(overflowResource, metric, value.Time, value.Int, value.Double, OverflowAttributes);
            }
        }

        SeriesOverflowed += overflowed;
        if (overflowed > 0)
        {
            PgMetricsInstruments.RecordOverflow(_exporter, overflowed);
        }

        Forget();
    }

    private bool Admit(MetricDescriptor metric)
    {
        var perMetric = _seriesPerMetric.GetValueOrDefault(metric);
        if (perMetric >= _options.MaxSeriesPerMetric || _lastSeen.Count >= _options.MaxSeriesTotal)
        {
            return false;
        }

        _seriesPerMetric[metric] = perMetric + 1;
        return true;
    }

    private void Forget()
    {
        if (_now - _lastSweep < SweepEveryNanos)
        {
            return;
        }

        _lastSweep = _now;
        var oldest = _now - (long)_options.ForgetAfter.TotalNanoseconds;
        foreach (var (series, seen) in _lastSeen.Where(s => s.Value.LastSeen < oldest).ToList())
        {
            _lastSeen.Remove(series);
            _seriesPerMetric[seen.Metric]--;
        }
    }
}
