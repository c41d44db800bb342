using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// The order both encoders write a buffer in: points grouped by resource, then by metric (in order of
/// first appearance), then in recording order. Sorting packs each point into one long, so it needs no
/// comparer and allocates nothing once the arrays have grown.
/// </summary>
internal sealed class OtlpMetricsLayout
{
    private const int IndexBits = 27;
    private const long IndexMask = (1L << IndexBits) - 1;
    private const int MetricBits = 16;

    private readonly Dictionary<MetricDescriptor, int> _metricOrdinals = new(ReferenceEqualityComparer.Instance);
    private readonly List<MetricGroup> _groups = [];
    private long[] _order = new long[256];

    /// <summary>The metric groups of the last arranged buffer, resource by resource.</summary>
    public IReadOnlyList<MetricGroup> Groups => _groups;

    /// <summary>The index in the buffer of the point at <paramref name="position"/> of the arranged order.</summary>
    public int PointAt(int position) => (int)(_order[position] & IndexMask);

    /// <summary>Sorts <paramref name="metrics"/>' points and finds the groups.</summary>
    /// <exception cref="InvalidOperationException">The buffer has more points than one layout can address (2^27).</exception>
    public void Arrange(MetricsBuffer metrics)
    {
        var points = metrics.Points;
        if (points.Length > IndexMask)
        {
            throw new InvalidOperationException($"A single export of {points.Length} points is more than the writer supports ({IndexMask}).");
        }

        if (_order.Length < points.Length)
        {
            _order = new long[Math.Max(points.Length, _order.Length * 2)];
        }

        _metricOrdinals.Clear();
        for (var i = 0; i < points.Length; i++)
        {
            if (!_metricOrdinals.TryGetValue(points[i].Metric, out var ordinal))
            {
                ordinal = _metricOrdinals.Count;
                _metricOrdinals[points[i].Metric] = ordinal;
            }

            _order[i] = ((long)points[i].ResourceIndex << (IndexBits + MetricBits)) | ((long)ordinal << IndexBits) | (uint)i;
        }

        _order.AsSpan(0, points.Length).Sort();
        _groups.Clear();
        var start = 0;
        while (start < points.Length)
        {
            ref readonly var first = ref points[PointAt(start)];
            var end = start + 1;
            while (end < points.Length && points[PointAt(end)].ResourceIndex == first.ResourceIndex && ReferenceEquals(points[PointAt(end)].Metric, first.Metric))
            {
                end++;
            }

            _groups.Add(new MetricGroup(first.ResourceIndex, first.Metric, start, end));
            start = end;
        }
    }
}

/// <summary>The points of one metric under one resource: positions [Start, End) of the arranged order.</summary>
internal readonly record struct MetricGroup(int ResourceIndex, MetricDescriptor Metric, int Start, int End);
