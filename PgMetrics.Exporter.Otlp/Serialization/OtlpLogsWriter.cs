using System.Buffers;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using Fields = PgMetrics.Exporter.Otlp.Serialization.OtlpFieldNumbers;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// Encodes log batches as an OTLP <c>ExportLogsServiceRequest</c> (protobuf): one <c>ResourceLogs</c> per
/// batch, under the writer's instrumentation scope. Not thread-safe: one write at a time.
/// </summary>
public sealed class OtlpLogsWriter
{
    private readonly ProtobufBuffer _buffer = new();
    private readonly OtlpEncodingOptions _options;

    /// <summary>Creates a writer.</summary>
    /// <param name="options">The scope; <see cref="OtlpEncodingOptions.Default"/> when null.</param>
    public OtlpLogsWriter(OtlpEncodingOptions? options = null) => _options = options ?? OtlpEncodingOptions.Default;

    /// <summary>Encodes <paramref name="batch"/> into <paramref name="output"/>.</summary>
    /// <returns>The bytes written.</returns>
    public int Write(LogBatch batch, IBufferWriter<byte> output)
    {
        _buffer.Clear();
        var resourceLogs = _buffer.BeginMessage(Fields.ExportRequest.ResourceLogs);
        OtlpCommon.WriteResource(_buffer, batch.Resource as KeyValue[] ?? [.. batch.Resource]);
        var scopeLogs = _buffer.BeginMessage(Fields.ResourceData.ScopeData);
        OtlpCommon.WriteScope(_buffer, _options.ScopeName, _options.ScopeVersion);
        foreach (var record in batch.Records)
        {
            var message = _buffer.BeginMessage(Fields.ScopeData.Items);
            _buffer.WriteFixed64(Fields.LogRecord.TimeUnixNano, (ulong)record.TimeUnixNano);
            _buffer.WriteFixed64(Fields.LogRecord.ObservedTimeUnixNano, (ulong)record.TimeUnixNano);
            // An event (db.server.query_sample, db.server.top_query) has no severity and no body, as the receiver's:
            // proto3 leaves unset fields out.
            if (record.SeverityNumber != 0)
            {
                _buffer.WriteTag(Fields.LogRecord.SeverityNumber, WireType.Varint);
                _buffer.WriteVarint((uint)record.SeverityNumber);
            }

            if (record.SeverityText.Length > 0)
            {
                _buffer.WriteString(Fields.LogRecord.SeverityText, record.SeverityText);
            }

            if (record.Body.Length > 0)
            {
                OtlpCommon.WriteStringValue(_buffer, Fields.LogRecord.Body, record.Body);
            }
            foreach (var attribute in record.Attributes)
            {
                OtlpCommon.WriteKeyValue(_buffer, Fields.LogRecord.Attributes, attribute);
            }

            if (record.EventName is { Length: > 0 } eventName)
            {
                _buffer.WriteString(Fields.LogRecord.EventName, eventName);
            }

            _buffer.EndMessage(message);
        }

        _buffer.EndMessage(scopeLogs);
        _buffer.EndMessage(resourceLogs);
        output.Write(_buffer.WrittenSpan);
        return _buffer.Length;
    }
}
