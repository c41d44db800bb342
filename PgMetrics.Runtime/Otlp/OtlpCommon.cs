using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Otlp;

/// <summary>The messages of opentelemetry/proto/common/v1 that metrics and logs share.</summary>
internal static class OtlpCommon
{
    private const int KeyValueKey = 1;
    private const int KeyValueValue = 2;
    private const int AnyValueString = 1;
    private const int AnyValueBool = 2;
    private const int AnyValueInt = 3;
    private const int AnyValueDouble = 4;
    private const int ScopeName = 1;
    private const int ScopeVersionField = 2;

    /// <summary>The version the instrumentation scope reports: this assembly's.</summary>
    public static string ScopeVersion { get; } = typeof(OtlpCommon).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void WriteScope(ProtobufBuffer buffer, int fieldNumber, string name, string version)
    {
        var scope = buffer.BeginMessage(fieldNumber);
        buffer.WriteString(ScopeName, name);
        buffer.WriteString(ScopeVersionField, version);
        buffer.EndMessage(scope);
    }

    public static void WriteKeyValue(ProtobufBuffer buffer, int fieldNumber, in KeyValue attribute)
    {
        var keyValue = buffer.BeginMessage(fieldNumber);
        buffer.WriteString(KeyValueKey, attribute.Key);
        var value = buffer.BeginMessage(KeyValueValue);
        WriteAnyValueContent(buffer, attribute);
        buffer.EndMessage(value);
        buffer.EndMessage(keyValue);
    }

    /// <summary>An AnyValue holding text, as a field of its own (a log body).</summary>
    public static void WriteStringValue(ProtobufBuffer buffer, int fieldNumber, string text)
    {
        var value = buffer.BeginMessage(fieldNumber);
        buffer.WriteString(AnyValueString, text);
        buffer.EndMessage(value);
    }

    private static void WriteAnyValueContent(ProtobufBuffer buffer, in KeyValue attribute)
    {
        switch (attribute.Kind)
        {
            case AttributeValueKind.String:
                buffer.WriteString(AnyValueString, attribute.StringValue);
                break;
            case AttributeValueKind.Bool:
                buffer.WriteTag(AnyValueBool, WireType.Varint);
                buffer.WriteVarint(attribute.BoolValue ? 1u : 0u);
                break;
            case AttributeValueKind.Int:
                buffer.WriteTag(AnyValueInt, WireType.Varint);
                buffer.WriteVarint((ulong)attribute.IntValue);
                break;
            default:
                buffer.WriteDouble(AnyValueDouble, attribute.DoubleValue);
                break;
        }
    }
}
