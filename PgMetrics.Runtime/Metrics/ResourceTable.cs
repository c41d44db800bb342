namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// The distinct resources of a buffer, each stored once and found again by content. A scrape with
/// thousands of per-table resources finds an existing one in constant time: resources are indexed by a
/// content hash, and resources with equal hashes are chained instead of compared against every other.
/// A buffer is cleared and refilled every scrape with mostly the same resources (the same tables and
/// indexes), so the previous scrape's arrays are kept until the next clear and taken again when a
/// resource's content is unchanged: a steady scrape allocates no resource arrays.
/// </summary>
internal sealed class ResourceTable
{
    private Generation _current = new();

    // The resources before the last Clear, offered for reuse by content; emptied at the following Clear.
    private Generation _recycled = new();

    public int Count => _current.Resources.Count;

    public IReadOnlyList<KeyValue[]> All => _current.Resources;

    public KeyValue[] this[int index] => _current.Resources[index];

    /// <summary>The index of the resource with these attributes, added if new (as <paramref name="adopt"/> itself when given, else as the previous scrape's equal array or a copy).</summary>
    public int FindOrAdd(ReadOnlySpan<KeyValue> attributes, KeyValue[]? adopt = null)
    {
        var hash = Hash(attributes);
        if (_current.Find(attributes, hash) is var found and >= 0)
        {
            return found;
        }

        var recycled = adopt is null && _recycled.Find(attributes, hash) is var index and >= 0 ? _recycled.Resources[index] : null;
        return _current.Add(adopt ?? recycled ?? attributes.ToArray(), hash);
    }

    /// <summary>
    /// Copies every resource of <paramref name="source"/>. No array is shared with it, so neither side's
    /// in-place changes reach the other; this table's own previous arrays are taken again where equal.
    /// </summary>
    public void CopyFrom(ResourceTable source)
    {
        Clear();
        foreach (var resource in source._current.Resources)
        {
            var hash = Hash(resource);
            var recycled = _recycled.Find(resource, hash);
            _current.Add(recycled >= 0 ? _recycled.Resources[recycled] : [.. resource], hash);
        }
    }

    /// <summary>Rebuilds the hash index after resources' attributes were changed in place.</summary>
    public void Reindex()
    {
        var resources = _current.Resources.ToArray();
        _current.Clear();
        foreach (var resource in resources)
        {
            _current.Add(resource, Hash(resource));
        }

        // Arrays changed in place may still sit among the recycled ones under their old hash.
        _recycled.Clear();
    }

    /// <summary>Empties the table; its arrays stay on offer to the next fill until the clear after it.</summary>
    public void Clear()
    {
        (_recycled, _current) = (_current, _recycled);
        _current.Clear();
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

    /// <summary>Resources in insertion order, indexed by content hash.</summary>
    private sealed class Generation
    {
        // Content hash -> the newest resource with that hash; older ones are chained through _previousWithSameHash.
        private readonly Dictionary<int, int> _newestByHash = [];
        private readonly List<int> _previousWithSameHash = [];

        public List<KeyValue[]> Resources { get; } = [];

        public int Find(ReadOnlySpan<KeyValue> attributes, int hash)
        {
            var candidate = _newestByHash.TryGetValue(hash, out var newest) ? newest : -1;
            for (; candidate >= 0; candidate = _previousWithSameHash[candidate])
            {
                if (Resources[candidate].AsSpan().SequenceEqual(attributes))
                {
                    return candidate;
                }
            }

            return -1;
        }

        public int Add(KeyValue[] resource, int hash)
        {
            Resources.Add(resource);
            _previousWithSameHash.Add(_newestByHash.TryGetValue(hash, out var newest) ? newest : -1);
            _newestByHash[hash] = Resources.Count - 1;
            return Resources.Count - 1;
        }

        public void Clear()
        {
            Resources.Clear();
            _newestByHash.Clear();
            _previousWithSameHash.Clear();
        }
    }
}
