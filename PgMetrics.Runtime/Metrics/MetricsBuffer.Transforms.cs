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
    /// Adds every point of each of <paramref name="sources"/>, in order, to this buffer under equal
    /// resources, e.g. to merge what databases scraped in parallel into their own buffers recorded. The
    /// arrays grow once, to the total, rather than doubling on the way: with 10,000 tables collected the
    /// points alone are over 12 MB, and each doubling left the previous array behind as garbage.
    /// </summary>
    public void Append(IReadOnlyList<MetricsBuffer> sources)
    {
        int points = _pointCount, attributes = _attributeCount, histogram = _histogramLength;
        foreach (var source in sources)
        {
            points += source._pointCount;
            attributes += source._attributeCount;
            histogram += source._histogramLength;
        }

        Reserve(ref _points, points);
        Reserve(ref _attributes, attributes);
        Reserve(ref _histogramBounds, histogram);
        Reserve(ref _histogramCounts, histogram);
        foreach (var source in sources)
        {
            AppendOne(source);
        }
    }

    /// <summary>
    /// Adds every point of <paramref name="source"/> to this buffer under equal resources, e.g. to merge
    /// what databases scraped in parallel into their own buffers recorded.
    /// </summary>
    public void Append(MetricsBuffer source) => Append([source]);

    private void AppendOne(MetricsBuffer source)
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
        Reserve(ref _points, source._pointCount);
        Reserve(ref _attributes, source._attributeCount);
        Reserve(ref _histogramBounds, source._histogramLength);
        Reserve(ref _histogramCounts, source._histogramLength);
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
    /// Cuts attribute values (of points and resources) longer than <paramref name="maxBytes"/> UTF-8 bytes, where a
    /// character ends and marked as <see cref="Logs.AttributeValueLimit.Cut"/> marks them; returns how many were cut.
    /// </summary>
    /// <param name="maxBytes">The most UTF-8 bytes a value may take; at least 4.</param>
    public int TruncateAttributeValues(int maxBytes)
    {
        var cut = 0;
        for (var i = 0; i < _attributeCount; i++)
        {
            if (Truncate(ref _attributes[i], maxBytes))
            {
                cut++;
            }
        }

        var resourcesCut = false;
        foreach (var resource in _resources.All)
        {
            for (var i = 0; i < resource.Length; i++)
            {
                if (Truncate(ref resource[i], maxBytes))
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

    /// <summary>Grows <paramref name="array"/> to hold <paramref name="needed"/> items, with a sixteenth to spare so a slightly larger next scrape fits.</summary>
    private static void Reserve<T>(ref T[] array, int needed)
    {
        if (needed > array.Length)
        {
            Array.Resize(ref array, needed + (needed / 16));
        }
    }

    private static bool Truncate(ref KeyValue attribute, int maxBytes)
    {
        if (attribute.Kind != AttributeValueKind.String || !Logs.AttributeValueLimit.IsOver(attribute.StringValue, maxBytes))
        {
            return false;
        }

        attribute = KeyValue.String(attribute.Key, Logs.AttributeValueLimit.Cut(attribute.StringValue, maxBytes, out _));
        return true;
    }
}
