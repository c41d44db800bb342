namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>Where queued request bodies are kept: memory, or files that survive a restart.</summary>
internal interface IPayloadStore : IDisposable
{
    /// <summary>Items kept from an earlier run, oldest first.</summary>
    IReadOnlyList<ExportItem> Recover();

    /// <summary>Keeps <paramref name="payload"/> for <paramref name="item"/>; a file store writes it atomically.</summary>
    void Save(ExportItem item, byte[] payload);

    /// <summary>The payload kept for <paramref name="item"/>.</summary>
    byte[] Load(ExportItem item);

    /// <summary>Forgets <paramref name="item"/>: it was sent, given up on, or split.</summary>
    void Delete(ExportItem item);
}
