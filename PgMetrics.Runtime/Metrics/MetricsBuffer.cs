namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// The data points of one scrape, grouped by resource. Arrays are reused across scrapes after
/// <see cref="Clear"/>, so steady-state recording allocates nothing.
/// </summary>
public sealed class MetricsBuffer
{
    private readonly List<KeyValue[]> _resources = [];
    private readonly List<KeyValue> _pendingResource = [];

    // Resource content hash -> the newest resource with that hash; older ones with the same hash are
    // chained through _previousWithSameHash. A scrape with thousands of per-table resources finds an
    // existing one in constant time instead of comparing against every resource.
    private readonly Dictionary<int, int> _resourcesByHash = [];
    private readonly List<int> _previousWithSameHash = [];
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
    /// <param name="startTimeUnixNano">The start of the cumulative sums' time window, usually when collection began.</param>
    public MetricsBuffer(long startTimeUnixNano = 0) => StartTimeUnixNano = startTimeUnixNano;

    /// <summary>The start timestamp of cumulative sums.</summary>
    public long StartTimeUnixNano { get; set; }

    /// <summary>Whether monotonic sums hold deltas since the previous scrape rather than cumulative values.</summary>
    public bool MonotonicSumsAreDeltas { get; set; }

    /// <summary>Rewrites a point in place, or drops it when the callback returns false.</summary>
    public delegate bool PointRewriter(ref DataPoint point, ReadOnlySpan<KeyValue> resource, ReadOnlySpan<KeyValue> attributes);

    /// <summary>Applies <paramref name="rewrite"/> to every point, keeping the order of those it keeps.</summary>
    public void RewritePoints(PointRewriter rewrite)
    {
        var kept = 0;
        for (var i = 0; i < _pointCount; i++)
        {
            var point = _points[i];
            if (rewrite(ref point, _resources[point.ResourceIndex], GetAttributes(point)))
            {
                _points[kept++] = point;
            }
        }

        Array.Clear(_points, kept, _pointCount - kept);
        _pointCount = kept;
    }

    /// <summary>The recorded points, in recording order.</summary>
    public ReadOnlySpan<DataPoint> Points => _points.AsSpan(0, _pointCount);

    /// <summary>The number of recorded points.</summary>
    public int Count => _pointCount;

    /// <summary>The distinct resources points were recorded under.</summary>
    public IReadOnlyList<KeyValue[]> Resources => _resources;

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
    public void AddResourceAttribute(KeyValue attribute)
    {
        if (!_resourceOpen)
        {
            throw new InvalidOperationException("AddResourceAttribute must come between BeginResource and EndResource.");
        }

        _pendingResource.Add(attribute);
    }

    /// <summary>
    /// Attributes put first on every resource begun from now on, such as the server a scrape reads
    /// from, so the resources of two servers never merge. Resources copied from another buffer keep
    /// the attributes they have.
    /// </summary>
    public KeyValue[] CommonResourceAttributes { get; set; } = [];

    /// <summary>Ends the resource description; an identical earlier resource is reused.</summary>
    public void EndResource() => EndResource(withCommonAttributes: true);

    private void EndResource(bool withCommonAttributes)
    {
        _resourceOpen = false;
        if (withCommonAttributes && CommonResourceAttributes.Length > 0)
        {
            _pendingResource.InsertRange(0, CommonResourceAttributes);
        }

        var pending = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pendingResource);
        if (_currentResource >= 0 && _resources[_currentResource].AsSpan().SequenceEqual(pending))
        {
            return;
        }

        _currentResource = FindOrAddResource(pending, adopt: null);
    }

    /// <summary>The index of the resource with these attributes, added if new (as <paramref name="adopt"/> itself when given, else as a copy).</summary>
    private int FindOrAddResource(ReadOnlySpan<KeyValue> attributes, KeyValue[]? adopt)
    {
        var hash = ResourceHash(attributes);
        var newest = _resourcesByHash.TryGetValue(hash, out var found) ? found : -1;
        for (var candidate = newest; candidate >= 0; candidate = _previousWithSameHash[candidate])
        {
            if (_resources[candidate].AsSpan().SequenceEqual(attributes))
            {
                return candidate;
            }
        }

        _resources.Add(adopt ?? attributes.ToArray());
        _previousWithSameHash.Add(newest);
        _resourcesByHash[hash] = _resources.Count - 1;
        return _resources.Count - 1;
    }

    private void IndexResources()
    {
        _resourcesByHash.Clear();
        _previousWithSameHash.Clear();
        for (var i = 0; i < _resources.Count; i++)
        {
            var hash = ResourceHash(_resources[i]);
            _previousWithSameHash.Add(_resourcesByHash.TryGetValue(hash, out var newest) ? newest : -1);
            _resourcesByHash[hash] = i;
        }
    }

    private static int ResourceHash(ReadOnlySpan<KeyValue> attributes)
    {
        var hash = default(HashCode);
        foreach (var attribute in attributes)
        {
            hash.Add(attribute);
        }

        return hash.ToHashCode();
    }

    /// <summary>
    /// Adds every point of <paramref name="source"/> to this buffer under equal resources, e.g. to merge
    /// what databases scraped in parallel into their own buffers recorded.
    /// </summary>
    public void Append(MetricsBuffer source)
    {
        // The source's resource arrays are shared rather than copied, saving an array per table and
        // index each scrape: the source lets go of them on its next Clear, and neither side changes
        // them except to shorten over-long values, which both would send shortened anyway.
        var resourceMap = new int[source._resources.Count];
        for (var i = 0; i < resourceMap.Length; i++)
        {
            resourceMap[i] = FindOrAddResource(source._resources[i], adopt: source._resources[i]);
        }

        var current = _currentResource;
        foreach (ref readonly var point in source._points.AsSpan(0, source._pointCount))
        {
            _currentResource = resourceMap[point.ResourceIndex];
            var attributes = source.GetAttributes(point);
            if (point.Metric.Kind == MetricKind.Histogram)
            {
                AddHistogramPoint(point.Metric, point.TimeUnixNano, point.IntValue, point.DoubleValue, source.GetExplicitBounds(point), source.GetBucketCounts(point), attributes);
            }
            else
            {
                Add(point.Metric, point.TimeUnixNano, point.IntValue, point.DoubleValue, attributes);
            }
        }

        _currentResource = current;
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

    /// <summary>Makes this buffer an independent copy of <paramref name="source"/>, reusing its own arrays.</summary>
    public void CopyFrom(MetricsBuffer source)
    {
        Clear();
        StartTimeUnixNano = source.StartTimeUnixNano;
        MonotonicSumsAreDeltas = source.MonotonicSumsAreDeltas;
        foreach (var resource in source._resources)
        {
            _resources.Add([.. resource]);
        }

        IndexResources();

        EnsureCapacity(ref _points, source._pointCount);
        EnsureCapacity(ref _attributes, source._attributeCount);
        EnsureCapacity(ref _histogramBounds, source._histogramLength);
        EnsureCapacity(ref _histogramCounts, source._histogramLength);
        Array.Copy(source._points, _points, source._pointCount);
        Array.Copy(source._attributes, _attributes, source._attributeCount);
        Array.Copy(source._histogramBounds, _histogramBounds, source._histogramLength);
        Array.Copy(source._histogramCounts, _histogramCounts, source._histogramLength);
        _pointCount = source._pointCount;
        _attributeCount = source._attributeCount;
        _histogramLength = source._histogramLength;
        _currentResource = source._currentResource;
    }

    /// <summary>Adds (or finds) a resource without making it the current one; returns its index.</summary>
    public int AddResource(ReadOnlySpan<KeyValue> attributes)
    {
        var current = _currentResource;
        BeginResource();
        foreach (var attribute in attributes)
        {
            AddResourceAttribute(attribute);
        }

        EndResource(withCommonAttributes: false);
        var index = _currentResource;
        _currentResource = current;
        return index;
    }

    /// <summary>Records a point under an existing resource, whatever the current one is.</summary>
    public void AddPointToResource(int resourceIndex, MetricDescriptor metric, long timeUnixNano, long intValue, double doubleValue, ReadOnlySpan<KeyValue> attributes)
    {
        var current = _currentResource;
        _currentResource = resourceIndex;
        Add(metric, timeUnixNano, intValue, doubleValue, attributes);
        _currentResource = current;
    }

    /// <summary>Cuts attribute values (of points and resources) longer than <paramref name="maxLength"/>; returns how many were cut.</summary>
    public int TruncateAttributeValues(int maxLength)
    {
        var cut = 0;
        for (var i = 0; i < _attributeCount; i++)
        {
            if (Truncate(ref _attributes[i], maxLength))
            {
                cut++;
            }
        }

        var resourcesCut = false;
        foreach (var resource in _resources)
        {
            for (var i = 0; i < resource.Length; i++)
            {
                if (Truncate(ref resource[i], maxLength))
                {
                    cut++;
                    resourcesCut = true;
                }
            }
        }

        if (resourcesCut)
        {
            IndexResources();
        }

        return cut;
    }

    private static bool Truncate(ref KeyValue attribute, int maxLength)
    {
        if (attribute.Kind != AttributeValueKind.String || attribute.StringValue.Length <= maxLength)
        {
            return false;
        }

        attribute = KeyValue.String(attribute.Key, attribute.StringValue[..maxLength]);
        return true;
    }

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
        MonotonicSumsAreDeltas = false;
        _resources.Clear();
        _resourcesByHash.Clear();
        _previousWithSameHash.Clear();
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
