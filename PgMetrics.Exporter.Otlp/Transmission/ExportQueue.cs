using System.Globalization;
using PgMetrics.Exporter.Otlp.Resilience;

namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// Compressed requests waiting to be sent, oldest first, bounded in the bytes they are kept in. When the
/// bound is reached the oldest items are dropped and returned to the caller to be counted; nothing goes silently.
/// </summary>
internal sealed class ExportQueue : IDisposable
{
    private readonly IPayloadStore _store;
    private readonly long _maxBytes;
    private readonly List<ExportItem> _items;
    private readonly object _gate = new();
    private long _bytes;
    private long _requestBytes;
    private long _nextSequence;

    /// <summary>Creates a queue over <paramref name="store"/>, taking back what an earlier run left in it.</summary>
    /// <param name="time">The clock items are stamped with and their age is measured by (made monotonic, so a step of the wall clock changes no wait); the system's when null.</param>
    public ExportQueue(IPayloadStore store, long maxBytes, TimeProvider? time = null)
    {
        Clock = MonotonicTimeProvider.Over(time ?? TimeProvider.System);
        _store = store;
        _maxBytes = maxBytes;
        _items = [.. store.Recover()];
        _bytes = _items.Sum(i => (long)i.Bytes);
        _requestBytes = _items.Sum(i => (long)i.RequestBytes);
        _nextSequence = _items.Count == 0 ? 0 : long.Parse(_items[^1].Id.Split('.')[0], CultureInfo.InvariantCulture) + 1;
    }

    /// <summary>The clock of this queue's item times, shared by whatever sends from it.</summary>
    public TimeProvider Clock { get; }

    /// <summary>The number of requests waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>The bytes waiting, compressed, as they are kept in memory or the spool.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The bytes waiting before compression: what the payload limit counts.</summary>
    public long RequestBytes => Interlocked.Read(ref _requestBytes);

    /// <summary>The points waiting.</summary>
    public long Points
    {
        get
        {
            lock (_gate)
            {
                return _items.Sum(i => (long)i.Points);
            }
        }
    }

    /// <summary>Adds a request at the end; returns the oldest items dropped to stay within the bound.</summary>
    public IReadOnlyList<ExportItem> Enqueue(EncodedRequest request)
    {
        lock (_gate)
        {
            var item = ItemOf(_nextSequence++.ToString("D19", CultureInfo.InvariantCulture), request, Clock.GetUtcNow());
            _store.Save(item, request.Body);
            _items.Add(item);
            AddBytesLocked(item, 1);
            var dropped = new List<ExportItem>();
            while (_bytes > _maxBytes && _items.Count > 1)
            {
                var oldest = _items[0];
                RemoveLocked(oldest);
                dropped.Add(oldest);
            }

            return dropped;
        }
    }

    /// <summary>The oldest items whose requests together stay within <paramref name="maxBytes"/> before compression (at least one), with their kept bodies.</summary>
    public IReadOnlyList<(ExportItem Item, byte[] Body)> PeekBatch(int maxBytes, int maxItems)
    {
        lock (_gate)
        {
            var batch = new List<(ExportItem, byte[])>();
            var total = 0;
            foreach (var item in _items)
            {
                if (batch.Count > 0 && (total + item.RequestBytes > maxBytes || batch.Count >= maxItems))
                {
                    break;
                }

                batch.Add((item, _store.Load(item)));
                total += item.RequestBytes;
            }

            return batch;
        }
    }

    /// <summary>The creation time of the oldest item, if any.</summary>
    public DateTimeOffset? OldestCreatedAt
    {
        get
        {
            lock (_gate)
            {
                return _items.Count == 0 ? null : _items[0].CreatedAt;
            }
        }
    }

    /// <summary>Removes items that were sent or given up on.</summary>
    public void Remove(IEnumerable<ExportItem> items)
    {
        lock (_gate)
        {
            foreach (var item in items)
            {
                RemoveLocked(item);
            }
        }
    }

    /// <summary>Puts two halves where <paramref name="item"/> stood, so send order is kept.</summary>
    public void Replace(ExportItem item, EncodedRequest first, EncodedRequest second)
    {
        lock (_gate)
        {
            var index = _items.IndexOf(item);
            if (index < 0)
            {
                return;
            }

            var a = ItemOf(item.Id + ".0", first, item.CreatedAt);
            var b = ItemOf(item.Id + ".1", second, item.CreatedAt);
            _store.Save(a, first.Body);
            _store.Save(b, second.Body);
            _items.InsertRange(index + 1, [a, b]);
            AddBytesLocked(a, 1);
            AddBytesLocked(b, 1);
            RemoveLocked(item);
        }
    }

    private static ExportItem ItemOf(string id, EncodedRequest request, DateTimeOffset createdAt)
        => new(id, request.Points, request.Body.Length, request.RequestBytes, request.Compression, createdAt);

    private void AddBytesLocked(ExportItem item, int sign)
    {
        _bytes += sign * item.Bytes;
        _requestBytes += sign * item.RequestBytes;
    }

    private void RemoveLocked(ExportItem item)
    {
        if (_items.Remove(item))
        {
            AddBytesLocked(item, -1);
            _store.Delete(item);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _store.Dispose();
}
