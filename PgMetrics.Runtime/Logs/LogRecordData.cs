using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Logs;

/// <summary>
/// One log record, as OTLP's <c>LogRecord</c> carries it: a query sample, a top-query event, a plan.
/// Query text in a record is always normalized (no literal values).
/// </summary>
/// <param name="TimeUnixNano">When the event happened, in Unix nanoseconds.</param>
/// <param name="SeverityNumber">The OTLP severity number: 9 is INFO, 13 WARN, 17 ERROR.</param>
/// <param name="SeverityText">The severity as text, e.g. <c>INFO</c>.</param>
/// <param name="Body">The record's body text.</param>
/// <param name="Attributes">The record's attributes.</param>
public readonly record struct LogRecordData(long TimeUnixNano, int SeverityNumber, string SeverityText, string Body, KeyValue[] Attributes)
{
    /// <summary>
    /// The OpenTelemetry event name (OTLP <c>LogRecord.event_name</c>), e.g. <c>db.server.query_sample</c>;
    /// null for a plain log record.
    /// </summary>
    public string? EventName { get; init; }
}
