namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// Field numbers of the OTLP protobuf messages PgMetrics writes and reads, named as in
/// opentelemetry/proto (collector/*/v1, metrics/v1, logs/v1, common/v1, resource/v1), so no encoder,
/// splitter or reader uses a bare number.
/// </summary>
internal static class OtlpFieldNumbers
{
    /// <summary>ExportMetricsServiceRequest and ExportLogsServiceRequest.</summary>
    public static class ExportRequest
    {
        public const int ResourceMetrics = 1;
        public const int ResourceLogs = 1;
    }

    /// <summary>ExportMetricsServiceResponse, ExportLogsServiceResponse and their partial-success messages.</summary>
    public static class ExportResponse
    {
        public const int PartialSuccess = 1;
        public const int RejectedCount = 1;
        public const int ErrorMessage = 2;
    }

    /// <summary>ResourceMetrics and ResourceLogs.</summary>
    public static class ResourceData
    {
        public const int Resource = 1;
        public const int ScopeData = 2;
    }

    /// <summary>Resource.</summary>
    public static class Resource
    {
        public const int Attributes = 1;
    }

    /// <summary>ScopeMetrics and ScopeLogs.</summary>
    public static class ScopeData
    {
        public const int Scope = 1;
        public const int Items = 2;
    }

    /// <summary>InstrumentationScope.</summary>
    public static class Scope
    {
        public const int Name = 1;
        public const int Version = 2;
    }

    /// <summary>Metric.</summary>
    public static class Metric
    {
        public const int Name = 1;
        public const int Description = 2;
        public const int Unit = 3;
        public const int Gauge = 5;
        public const int Sum = 7;
        public const int Histogram = 9;
    }

    /// <summary>Gauge, Sum and Histogram.</summary>
    public static class MetricData
    {
        public const int DataPoints = 1;
        public const int AggregationTemporality = 2;
        public const int IsMonotonic = 3;
    }

    /// <summary>NumberDataPoint.</summary>
    public static class NumberDataPoint
    {
        public const int StartTimeUnixNano = 2;
        public const int TimeUnixNano = 3;
        public const int AsDouble = 4;
        public const int AsInt = 6;
        public const int Attributes = 7;
    }

    /// <summary>HistogramDataPoint.</summary>
    public static class HistogramDataPoint
    {
        public const int StartTimeUnixNano = 2;
        public const int TimeUnixNano = 3;
        public const int Count = 4;
        public const int Sum = 5;
        public const int BucketCounts = 6;
        public const int ExplicitBounds = 7;
        public const int Attributes = 9;
    }

    /// <summary>LogRecord.</summary>
    public static class LogRecord
    {
        public const int TimeUnixNano = 1;
        public const int SeverityNumber = 2;
        public const int SeverityText = 3;
        public const int Body = 5;
        public const int Attributes = 6;
        public const int ObservedTimeUnixNano = 11;
        public const int EventName = 12;
    }

    /// <summary>KeyValue and AnyValue.</summary>
    public static class Common
    {
        public const int KeyValueKey = 1;
        public const int KeyValueValue = 2;
        public const int AnyValueString = 1;
        public const int AnyValueBool = 2;
        public const int AnyValueInt = 3;
        public const int AnyValueDouble = 4;
    }

    /// <summary>AggregationTemporality enum values.</summary>
    public static class Temporality
    {
        public const int Delta = 1;
        public const int Cumulative = 2;
    }
}
