namespace PgMetrics.Runtime.Export;

/// <summary>Where queued request bodies are kept: memory, or files that survive a restart.</summary>
public interface IPayloadStore : IDisposable
{
    /// <summary>Items kept from an earlier run, oldest first.</summary>
    IReadOnlyList<ExportItem> Recover();

    void Save(ExportItem item, byte[] payload);

    byte[] Load(ExportItem item);

    void Delete(ExportItem item);
}
