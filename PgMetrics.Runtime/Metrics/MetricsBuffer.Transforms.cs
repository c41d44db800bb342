namespace PgMetrics.Runtime.Metrics;

/// <summary>Whole-buffer operations: merging and copying buffers, and the rewrites processors apply.</summary>
public sealed partial class MetricsBuffer
{
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
            resourceMap[i] = _resources.FindOrAdd(source._resources[i], adopt: source._resources[i]);
        }

        var current = _currentResource;
        foreach (ref readonly var point in source._points.AsSpan(0, source._pointCount))
        {
            _currentResource = resourceMap[point.ResourceIndex];
            var attributes = source.GetAttributes(point);
            if (point.Metric.Kind == MetricKind.Histogram)
            {
                AddHistogramPoint(point.Metric, point.TimeUnixNano, point.HistogramCount, point.HistogramSum, source.GetExplicitBounds(point), source.GetBucketCounts(point), attributes);
            }
            else
            {
                Add(point.Metric, point.TimeUnixNano, point.IntValue, point.DoubleValue, attributes);
            }
        }

        _currentResource = current;
    }

    /// <summary>Makes this buffer an independent copy of <paramref name="source"/>, reusing its own arrays.</summary>
    public void CopyFrom(MetricsBuffer source)
    {
        Clear();
        StartTimeUnixNano = source.StartTimeUnixNano;
        _resources.CopyFrom(source._resources);
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

    /// <summary>Adds (or finds) a resource of exactly these attributes without making it the current one; returns its index.</summary>
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

    /// <summary>Records a point taken at <paramref name="timeUnixNano"/> (Unix nanoseconds) under an existing resource, whatever the current one is.</summary>
    public void AddPointToResource(int resourceIndex, MetricDescriptor metric, long timeUnixNano, long intValue, double doubleValue, ReadOnlySpan<KeyValue> attributes)
    {
        var current = _currentResource;
        _currentResource = resourceIndex;
        Add(metric, timeUnixNano, intValue, doubleValue, attributes);
        _currentResource = current;
    }

    /// <summary>
    /// Cuts attribute values (of points and resources) longer than <paramref name="maxLength"/> UTF-16 characters,
    /// on a code-point boundary and marked as <see cref="Logs.AttributeValueLimit.Cut"/> marks them; returns how many were cut.
    /// </summary>
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
        foreach (var resource in _resources.All)
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
            _resources.Reindex();
        }

        return cut;
    }

    private static bool Truncate(ref KeyValue attribute, int maxLength)
    {
        if (attribute.Kind != AttributeValueKind.String || attribute.StringValue.Length <= maxLength)
        {
            return false;
        }

        attribute = KeyValue.String(attribute.Key, Logs.AttributeValueLimit.Cut(attribute.StringValue, maxLength, out _));
        return true;
    }
}
