using System.Globalization;
using PgMetrics.Exporter.Otlp.Resilience;

namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// Encoded requests waiting to be sent, oldest first, bounded in bytes. When the bound is reached
/// the oldest items are dropped and returned to the caller to be counted; nothing goes silently.
/// </summary>
internal sealed class ExportQueue : IDisposable
{
    private readonly IPayloadStore _store;
    private readonly long _maxBytes;
    private readonly List<ExportItem> _items;
    private readonly object _gate = new();
    private long _bytes;
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

    /// <summary>The bytes waiting.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

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
    public IReadOnlyList<ExportItem> Enqueue(byte[] payload, int points)
    {
        lock (_gate)
        {
            var item = new ExportItem(_nextSequence++.ToString("D19", CultureInfo.InvariantCulture), points, payload.Length, Clock.GetUtcNow());
            _store.Save(item, payload);
            _items.Add(item);
            _bytes += item.Bytes;
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

    /// <summary>The oldest items whose bodies together stay within <paramref name="maxBytes"/> (at least one), with their bodies.</summary>
    public IReadOnlyList<(ExportItem Item, byte[] Payload)> PeekBatch(int maxBytes, int maxItems)
    {
        lock (_gate)
        {
            var batch = new List<(ExportItem, byte[])>();
            var total = 0;
            foreach (var item in _items)
            {
                if (batch.Count > 0 && (total + item.Bytes > maxBytes || batch.Count >= maxItems))
                {
                    break;
                }

                batch.Add((item, _store.Load(item)));
                total += item.Bytes;
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
    public void Replace(ExportItem item, byte[] first, int firstPoints, byte[] second, int secondPoints)
    {
        lock (_gate)
        {
            var index = _items.IndexOf(item);
            if (index < 0)
            {
                return;
            }

            var a = new ExportItem(item.Id + ".0", firstPoints, first.Length, item.CreatedAt);
            var b = new ExportItem(item.Id + ".1", secondPoints, second.Length, item.CreatedAt);
            _store.Save(a, first);
            _store.Save(b, second);
            _items.InsertRange(index + 1, [a, b]);
            _bytes += a.Bytes + b.Bytes;
            RemoveLocked(item);
        }
    }

    private void RemoveLocked(ExportItem item)
    {
        if (_items.Remove(item))
        {
            _bytes -= item.Bytes;
            _store.Delete(item);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _store.Dispose();
}
