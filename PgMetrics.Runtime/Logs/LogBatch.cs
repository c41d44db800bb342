using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Logs;

/// <summary>
/// The log records one scrape produced, under the resource that describes where they come from
/// (the server's attributes, such as <c>server.address</c> and <c>server.port</c>).
/// </summary>
/// <param name="Resource">The resource attributes every record shares.</param>
/// <param name="Records">The records, oldest first.</param>
public sealed record LogBatch(IReadOnlyList<KeyValue> Resource, IReadOnlyList<LogRecordData> Records)
{
    /// <summary>A batch with no records.</summary>
    public static LogBatch Empty { get; } = new([], []);

    /// <summary>Whether the batch has no records.</summary>
    public bool IsEmpty => Records.Count == 0;
}
