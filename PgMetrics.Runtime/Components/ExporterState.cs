namespace PgMetrics.Runtime.Components;

/// <summary>
/// What exporters keep across config reloads, by exporter name: a reload replaces the exporter, but the
/// data waiting in its queue (or spool) carries over to the new one. Owned and disposed by the host.
/// </summary>
internal sealed class ExporterState : IDisposable
{
    private readonly Dictionary<string, IDisposable> _kept = new(StringComparer.Ordinal);

    /// <summary>The object kept for <paramref name="exporter"/>, made by <paramref name="create"/> the first time.</summary>
    public T GetOrAdd<T>(string exporter, Func<T> create)
        where T : class, IDisposable
    {
        lock (_kept)
        {
            if (_kept.TryGetValue(exporter, out var kept) && kept is T existing)
            {
                return existing;
            }

            var created = create();
            _kept[exporter] = created;
            return created;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_kept)
        {
            foreach (var kept in _kept.Values)
            {
                kept.Dispose();
            }

            _kept.Clear();
        }
    }
}
