using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Otlp;

/// <summary>One log record to export, e.g. a sample of a long-running query (normalized text only).</summary>
/// <param name="SeverityNumber">The OTLP severity number: 9 is INFO, 13 WARN, 17 ERROR.</param>
public readonly record struct LogRecordData(long TimeUnixNano, int SeverityNumber, string SeverityText, string Body, KeyValue[] Attributes);
