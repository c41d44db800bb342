using System.Collections.Concurrent;

namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>Keeps queued request bodies in memory; they are lost with the process.</summary>
internal sealed class MemoryPayloadStore : IPayloadStore
{
    private readonly ConcurrentDictionary<string, byte[]> _payloads = new(StringComparer.Ordinal);

    public IReadOnlyList<ExportItem> Recover() => [];

    public void Save(ExportItem item, byte[] payload) => _payloads[item.Id] = payload;

    public byte[] Load(ExportItem item) => _payloads[item.Id];

    public void Delete(ExportItem item) => _payloads.TryRemove(item.Id, out _);

    public void Dispose() => _payloads.Clear();
}
