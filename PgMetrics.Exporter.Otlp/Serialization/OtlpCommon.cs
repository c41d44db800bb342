using PgMetrics.Runtime.Metrics;
using Fields = PgMetrics.Exporter.Otlp.Serialization.OtlpFieldNumbers;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>The messages of opentelemetry/proto/common/v1 and resource/v1 that metrics and logs share.</summary>
internal static class OtlpCommon
{
    public static void WriteResource(ProtobufBuffer buffer, ReadOnlySpan<KeyValue> attributes)
    {
        // A span, not IReadOnlyList: foreach over the interface boxes an enumerator for every resource, which for
        // per-table resources was most of what an encoding allocated.
        var resource = buffer.BeginMessage(Fields.ResourceData.Resource);
        foreach (ref readonly var attribute in attributes)
        {
            WriteKeyValue(buffer, Fields.Resource.Attributes, attribute);
        }

        buffer.EndMessage(resource);
    }

    public static void WriteScope(ProtobufBuffer buffer, string name, string version)
    {
        var scope = buffer.BeginMessage(Fields.ScopeData.Scope);
        buffer.WriteString(Fields.Scope.Name, name);
        buffer.WriteString(Fields.Scope.Version, version);
        buffer.EndMessage(scope);
    }

    public static void WriteKeyValue(ProtobufBuffer buffer, int fieldNumber, in KeyValue attribute)
    {
        var keyValue = buffer.BeginMessage(fieldNumber);
        buffer.WriteString(Fields.Common.KeyValueKey, attribute.Key);
        var value = buffer.BeginMessage(Fields.Common.KeyValueValue);
        switch (attribute.Kind)
        {
            case AttributeValueKind.String:
                buffer.WriteString(Fields.Common.AnyValueString, attribute.StringValue);
                break;
            case AttributeValueKind.Bool:
                buffer.WriteTag(Fields.Common.AnyValueBool, WireType.Varint);
                buffer.WriteVarint(attribute.BoolValue ? 1u : 0u);
                break;
            case AttributeValueKind.Int:
                buffer.WriteTag(Fields.Common.AnyValueInt, WireType.Varint);
                buffer.WriteVarint((ulong)attribute.IntValue);
                break;
            default:
                buffer.WriteDouble(Fields.Common.AnyValueDouble, attribute.DoubleValue);
                break;
        }

        buffer.EndMessage(value);
        buffer.EndMessage(keyValue);
    }

    /// <summary>An AnyValue holding text, as a field of its own (a log body).</summary>
    public static void WriteStringValue(ProtobufBuffer buffer, int fieldNumber, string text)
    {
        var value = buffer.BeginMessage(fieldNumber);
        buffer.WriteString(Fields.Common.AnyValueString, text);
        buffer.EndMessage(value);
    }
}
