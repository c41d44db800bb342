using PgMetrics.Runtime.Logs;

namespace PgMetrics.Runtime.Pipeline;

/// <summary>Takes log records (query samples, top-query events) from the stage before it, as OpenTelemetry Collector's <c>consumer.Logs</c>.</summary>
public interface ILogsConsumer
{
    /// <summary>Takes a batch of records; the batch may be kept, it is not reused by the caller.</summary>
    /// <param name="logs">The records and their resource.</param>
    void ConsumeLogs(LogBatch logs);
}
