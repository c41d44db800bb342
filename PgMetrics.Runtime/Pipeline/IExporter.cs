namespace PgMetrics.Runtime.Pipeline;

/// <summary>
/// Where processed data leaves PgMetrics: New Relic or any OTLP endpoint, the console, a live view.
/// An exporter takes metrics and logs; one that has no use for logs ignores them.
/// </summary>
public interface IExporter : IComponent, IMetricsConsumer, ILogsConsumer
{
    /// <summary>What the exporter did so far, in one line for people: e.g. points exported, retried, refused, dropped, still queued.</summary>
    string Summary { get; }
}
