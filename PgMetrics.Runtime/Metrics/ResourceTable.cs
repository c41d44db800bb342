namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// The distinct resources of a buffer, each stored once and found again by content. A scrape with
/// thousands of per-table resources finds an existing one in constant time: resources are indexed by a
/// content hash, and resources with equal hashes are chained instead of compared against every other.
/// </summary>
internal sealed class ResourceTable
{
    private readonly List<KeyValue[]> _resources = [];

    // Content hash -> the newest resource with that hash; older ones are chained through _previousWithSameHash.
    private readonly Dictionary<int, int> _newestByHash = [];
    private readonly List<int> _previousWithSameHash = [];

    public int Count => _resources.Count;

    public IReadOnlyList<KeyValue[]> All => _resources;

    public KeyValue[] this[int index] => _resources[index];

    /// <summary>The index of the resource with these attributes, added if new (as <paramref name="adopt"/> itself when given, else as a copy).</summary>
    public int FindOrAdd(ReadOnlySpan<KeyValue> attributes, KeyValue[]? adopt = null)
    {
        var hash = Hash(attributes);
        var newest = _newestByHash.TryGetValue(hash, out var found) ? found : -1;
        for (var candidate = newest; candidate >= 0; candidate = _previousWithSameHash[candidate])
        {
            if (_resources[candidate].AsSpan().SequenceEqual(attributes))
            {
                return candidate;
            }
        }

        _resources.Add(adopt ?? attributes.ToArray());
        _previousWithSameHash.Add(newest);
        _newestByHash[hash] = _resources.Count - 1;
        return _resources.Count - 1;
    }

    /// <summary>Copies every resource of <paramref name="source"/> (each array copied, so neither side's changes reach the other).</summary>
    public void CopyFrom(ResourceTable source)
    {
        Clear();
        foreach (var resource in source._resources)
        {
            _resources.Add([.. resource]);
        }

        Reindex();
    }

    /// <summary>Rebuilds the hash index after resources' attributes were changed in place.</summary>
    public void Reindex()
    {
        _newestByHash.Clear();
        _previousWithSameHash.Clear();
        for (var i = 0; i < _resources.Count; i++)
        {
            var hash = Hash(_resources[i]);
            _previousWithSameHash.Add(_newestByHash.TryGetValue(hash, out var newest) ? newest : -1);
            _newestByHash[hash] = i;
        }
    }

    public void Clear()
    {
        _resources.Clear();
        _newestByHash.Clear();
        _previousWithSameHash.Clear();
    }

    private static int Hash(ReadOnlySpan<KeyValue> attributes)
    {
        var hash = default(HashCode);
        foreach (var attribute in attributes)
        {
            hash.Add(attribute);
        }

        return hash.ToHashCode();
    }
}
