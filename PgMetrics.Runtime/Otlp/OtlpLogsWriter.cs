using System.Buffers;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Otlp;

/// <summary>Encodes log records as an OTLP <c>ExportLogsServiceRequest</c> with one resource and scope.</summary>
public sealed class OtlpLogsWriter
{
    // Field numbers from opentelemetry/proto/collector/logs/v1 and logs/v1.
    private const int RequestResourceLogs = 1;
    private const int ResourceLogsResource = 1;
    private const int ResourceLogsScopeLogs = 2;
    private const int ResourceAttributes = 1;
    private const int ScopeLogsScope = 1;
    private const int ScopeLogsLogRecords = 2;
    private const int RecordTime = 1;
    private const int RecordSeverityNumber = 2;
    private const int RecordSeverityText = 3;
    private const int RecordBody = 5;
    private const int RecordAttributes = 6;
    private const int RecordObservedTime = 11;

    private readonly ProtobufBuffer _buffer = new();
    private readonly string _scopeName;

    /// <summary>Creates a writer whose instrumentation scope is <paramref name="scopeName"/>.</summary>
    public OtlpLogsWriter(string scopeName = "pgmetrics") => _scopeName = scopeName;

    /// <summary>Encodes <paramref name="records"/> under <paramref name="resource"/> into <paramref name="output"/>; returns the bytes written.</summary>
    public int Write(ReadOnlySpan<KeyValue> resource, ReadOnlySpan<LogRecordData> records, IBufferWriter<byte> output)
    {
        _buffer.Clear();
        var resourceLogs = _buffer.BeginMessage(RequestResourceLogs);
        var resourceMessage = _buffer.BeginMessage(ResourceLogsResource);
        foreach (var attribute in resource)
        {
            OtlpCommon.WriteKeyValue(_buffer, ResourceAttributes, attribute);
        }

        _buffer.EndMessage(resourceMessage);
        var scopeLogs = _buffer.BeginMessage(ResourceLogsScopeLogs);
        OtlpCommon.WriteScope(_buffer, ScopeLogsScope, _scopeName, OtlpCommon.ScopeVersion);
        foreach (var record in records)
        {
            var message = _buffer.BeginMessage(ScopeLogsLogRecords);
            _buffer.WriteFixed64(RecordTime, (ulong)record.TimeUnixNano);
            _buffer.WriteFixed64(RecordObservedTime, (ulong)record.TimeUnixNano);
            _buffer.WriteTag(RecordSeverityNumber, WireType.Varint);
            _buffer.WriteVarint((uint)record.SeverityNumber);
            _buffer.WriteString(RecordSeverityText, record.SeverityText);
            OtlpCommon.WriteStringValue(_buffer, RecordBody, record.Body);
            foreach (var attribute in record.Attributes)
            {
                OtlpCommon.WriteKeyValue(_buffer, RecordAttributes, attribute);
            }

            _buffer.EndMessage(message);
        }

        _buffer.EndMessage(scopeLogs);
        _buffer.EndMessage(resourceLogs);
        output.Write(_buffer.WrittenSpan);
        return _buffer.Length;
    }
}
