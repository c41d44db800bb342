using System.Runtime.InteropServices;

namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// The data points of one scrape, grouped by resource, in columns: points are fixed-size structs, and
/// their attributes and histogram buckets live in shared arrays they address by index. Arrays are reused
/// across scrapes after <see cref="Clear"/>, so steady-state recording allocates nothing.
/// </summary>
/// <remarks>Not thread-safe: one writer at a time, and readers only while nobody writes.</remarks>
public sealed partial class MetricsBuffer
{
    private readonly ResourceTable _resources = new();
    private readonly List<KeyValue> _pendingResource = [];
    private DataPoint[] _points = new DataPoint[256];
    private KeyValue[] _attributes = new KeyValue[256];
    private double[] _histogramBounds = [];
    private long[] _histogramCounts = [];
    private int _histogramLength;
    private int _pointCount;
    private int _attributeCount;
    private int _currentResource = -1;
    private bool _resourceOpen;

    /// <summary>Creates an empty buffer.</summary>
    /// <param name="startTimeUnixNano">The start of cumulative sums' time window in Unix nanoseconds, usually when collection began.</param>
    /// <param name="commonResourceAttributes">
    /// Attributes put first on every resource begun in this buffer, such as the server a scrape reads
    /// from, so the resources of two servers never merge. Resources copied from another buffer keep the
    /// attributes they have.
    /// </param>
    public MetricsBuffer(long startTimeUnixNano = 0, IReadOnlyList<KeyValue>? commonResourceAttributes = null)
    {
        StartTimeUnixNano = startTimeUnixNano;
        CommonResourceAttributes = commonResourceAttributes is null ? [] : [.. commonResourceAttributes];
    }

    /// <summary>The start of cumulative sums' time window, in Unix nanoseconds.</summary>
    public long StartTimeUnixNano { get; set; }

    /// <summary>The attributes put first on every resource begun in this buffer (see the constructor).</summary>
    public IReadOnlyList<KeyValue> CommonResourceAttributes { get; }

    /// <summary>The recorded points, in recording order.</summary>
    public ReadOnlySpan<DataPoint> Points => _points.AsSpan(0, _pointCount);

    /// <summary>The number of recorded points.</summary>
    public int Count => _pointCount;

    /// <summary>The distinct resources points were recorded under; a point's <see cref="DataPoint.ResourceIndex"/> indexes this list.</summary>
    public IReadOnlyList<KeyValue[]> Resources => _resources.All;

    /// <summary>The attributes of a point.</summary>
    public ReadOnlySpan<KeyValue> GetAttributes(in DataPoint point) => _attributes.AsSpan(point.AttributeStart, point.AttributeCount);

    /// <summary>A histogram point's explicit bucket bounds.</summary>
    public ReadOnlySpan<double> GetExplicitBounds(in DataPoint point) => _histogramBounds.AsSpan(point.HistogramStart, point.HistogramBoundCount);

    /// <summary>A histogram point's bucket counts: one more than its bounds.</summary>
    public ReadOnlySpan<long> GetBucketCounts(in DataPoint point)
        => _histogramCounts.AsSpan(point.HistogramStart, point.HistogramBoundCount + 1);

    /// <summary>Starts describing the resource that following points belong to.</summary>
    public void BeginResource()
    {
        _pendingResource.Clear();
        _resourceOpen = true;
    }

    /// <summary>Adds an attribute to the resource begun with <see cref="BeginResource"/>.</summary>
    /// <exception cref="InvalidOperationException">No resource was begun.</exception>
    public void AddResourceAttribute(KeyValue attribute)
    {
        if (!_resourceOpen)
        {
            throw new InvalidOperationException("AddResourceAttribute must come between BeginResource and EndResource.");
        }

        _pendingResource.Add(attribute);
    }

    /// <summary>Ends the resource description, with <see cref="CommonResourceAttributes"/> first; an identical earlier resource is reused.</summary>
    public void EndResource() => EndResource(withCommonAttributes: true);

    private void EndResource(bool withCommonAttributes)
    {
        _resourceOpen = false;
        if (withCommonAttributes && CommonResourceAttributes.Count > 0)
        {
            _pendingResource.InsertRange(0, CommonResourceAttributes);
        }

        var pending = CollectionsMarshal.AsSpan(_pendingResource);
        if (_currentResource >= 0 && _resources[_currentResource].AsSpan().SequenceEqual(pending))
        {
            return;
        }

        _currentResource = _resources.FindOrAdd(pending);
    }

    /// <summary>Records an integer point of <paramref name="metric"/>, taken at <paramref name="timeUnixNano"/> (Unix nanoseconds), under the current resource.</summary>
    public void AddPoint(MetricDescriptor metric, long timeUnixNano, long value, ReadOnlySpan<KeyValue> attributes = default)
        => Add(metric, timeUnixNano, value, 0, attributes);

    /// <summary>Records a floating-point point of <paramref name="metric"/>, taken at <paramref name="timeUnixNano"/> (Unix nanoseconds), under the current resource.</summary>
    public void AddPoint(MetricDescriptor metric, long timeUnixNano, double value, ReadOnlySpan<KeyValue> attributes = default)
        => Add(metric, timeUnixNano, 0, value, attributes);

    /// <summary>
    /// Records a histogram point taken at <paramref name="timeUnixNano"/> (Unix nanoseconds):
    /// <paramref name="bucketCounts"/> has one entry more than <paramref name="explicitBounds"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The bucket counts are not one more than the bounds.</exception>
    public void AddHistogramPoint(MetricDescriptor metric, long timeUnixNano, long count, double sum, ReadOnlySpan<double> explicitBounds, ReadOnlySpan<long> bucketCounts, ReadOnlySpan<KeyValue> attributes = default)
    {
        if (bucketCounts.Length != explicitBounds.Length + 1)
        {
            throw new ArgumentException($"{metric.Name}: a histogram with {explicitBounds.Length} bounds needs {explicitBounds.Length + 1} bucket counts, got {bucketCounts.Length}.", nameof(bucketCounts));
        }

        // Bounds and counts share one index (a point takes bounds + 1 slots in both), so a point needs one start.
        var start = _histogramLength;
        EnsureCapacity(ref _histogramBounds, start + bucketCounts.Length);
        EnsureCapacity(ref _histogramCounts, start + bucketCounts.Length);
        explicitBounds.CopyTo(_histogramBounds.AsSpan(start));
        bucketCounts.CopyTo(_histogramCounts.AsSpan(start));
        _histogramLength += bucketCounts.Length;
        Add(metric, timeUnixNano, count, sum, attributes, start, explicitBounds.Length);
    }

    /// <summary>
    /// Forgets which resource points go under, as a cleared buffer does: points recorded before the next
    /// resource is begun go under the common attributes alone. For a scraper that goes on recording into
    /// a buffer as if it were fresh (a database's queries after the instance's).
    /// </summary>
    internal void ForgetCurrentResource() => _currentResource = -1;

    /// <summary>Marks the current end of the buffer, to undo a query that fails halfway through its rows.</summary>
    public (int Points, int Attributes) Checkpoint() => (_pointCount, _attributeCount);

    /// <summary>Drops every point recorded since <paramref name="checkpoint"/>.</summary>
    public void RollbackTo((int Points, int Attributes) checkpoint)
    {
        Array.Clear(_points, checkpoint.Points, _pointCount - checkpoint.Points);
        Array.Clear(_attributes, checkpoint.Attributes, _attributeCount - checkpoint.Attributes);
        _pointCount = checkpoint.Points;
        _attributeCount = checkpoint.Attributes;
    }

    /// <summary>Empties the buffer for the next scrape, keeping its arrays.</summary>
    public void Clear()
    {
        Array.Clear(_points, 0, _pointCount);
        Array.Clear(_attributes, 0, _attributeCount);
        _pointCount = 0;
        _attributeCount = 0;
        _histogramLength = 0;
        _resources.Clear();
        _currentResource = -1;
    }

    private void Add(MetricDescriptor metric, long timeUnixNano, long intValue, double doubleValue, ReadOnlySpan<KeyValue> attributes, int histogramStart = 0, int histogramBoundCount = 0)
    {
        if (_currentResource < 0)
        {
            BeginResource();
            EndResource();
        }

        if (_pointCount == _points.Length)
        {
            Array.Resize(ref _points, _points.Length * 2);
        }

        if (_attributeCount + attributes.Length > _attributes.Length)
        {
            Array.Resize(ref _attributes, Math.Max(_attributes.Length * 2, _attributeCount + attributes.Length));
        }

        attributes.CopyTo(_attributes.AsSpan(_attributeCount));
        _points[_pointCount++] = new DataPoint(metric, _currentResource, timeUnixNano, intValue, doubleValue, _attributeCount, attributes.Length, histogramStart, histogramBoundCount);
        _attributeCount += attributes.Length;
    }

    private static void EnsureCapacity<T>(ref T[] array, int needed)
    {
        if (needed > array.Length)
        {
            Array.Resize(ref array, Math.Max(needed, Math.Max(16, array.Length * 2)));
        }
    }
}
