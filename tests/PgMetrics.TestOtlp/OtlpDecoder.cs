using Google.Protobuf;

namespace PgMetrics.TestOtlp;

/// <summary>
/// Reads an ExportMetricsServiceRequest with Google.Protobuf's wire reader and the field numbers of
/// the OTLP .proto files, so the project's writer is checked by code that shares nothing with it.
/// </summary>
public static class OtlpDecoder
{
    public sealed record Point(string Metric, string Kind, string Unit, Dictionary<string, string> Resource, Dictionary<string, string> Attributes, long? IntValue, double? DoubleValue, ulong StartTime, ulong Time, int Temporality, bool Monotonic, ulong Count, double Sum, List<ulong> BucketCounts, List<double> Bounds);

    /// <summary>The instrumentation scope (name, version) of every ScopeMetrics in the request.</summary>
    public static List<(string Name, string Version)> Scopes(byte[] request)
        => Fields(request, 1).SelectMany(r => Fields(r, 2)).SelectMany(s => Fields(s, 1)).Select(scope => (Text(scope, 1), Text(scope, 2))).ToList();

    public static List<Point> Decode(byte[] request)
    {
        var points = new List<Point>();
        foreach (var resourceMetrics in Fields(request, 1))
        {
            var resource = Fields(resourceMetrics, 1).SelectMany(r => Fields(r, 1)).Select(KeyValue).ToDictionary();
            foreach (var scopeMetrics in Fields(resourceMetrics, 2))
            {
                foreach (var metric in Fields(scopeMetrics, 2))
                {
                    var name = Text(metric, 1);
                    var unit = Text(metric, 3);
                    foreach (var (field, kind) in new[] { (5, "gauge"), (7, "sum"), (9, "histogram") })
                    {
                        foreach (var data in Fields(metric, field))
                        {
                            var temporality = (int)Varint(data, 2);
                            var monotonic = Varint(data, 3) == 1;
                            foreach (var point in Fields(data, 1))
                            {
                                var attributeField = kind == "histogram" ? 9 : 7;
                                var attributes = Fields(point, attributeField).Select(KeyValue).ToDictionary();
                                points.Add(new Point(
                                    name, kind, unit, resource, attributes,
                                    kind != "histogram" && HasField(point, 6) ? (long)Fixed64(point, 6) : null,
                                    kind != "histogram" && HasField(point, 4) ? BitConverter.UInt64BitsToDouble(Fixed64(point, 4)) : null,
                                    Fixed64(point, 2), Fixed64(point, 3), temporality, monotonic,
                                    kind == "histogram" ? Fixed64(point, 4) : 0,
                                    kind == "histogram" ? BitConverter.UInt64BitsToDouble(Fixed64(point, 5)) : 0,
                                    kind == "histogram" ? Packed(point, 6).ToList() : [],
                                    kind == "histogram" ? Packed(point, 7).Select(BitConverter.UInt64BitsToDouble).ToList() : []));
                            }
                        }
                    }
                }
            }
        }

        return points;
    }

    /// <summary>A log record; <see cref="Kinds"/> names each attribute's OTLP value type: <c>string</c>, <c>int</c>, <c>double</c> or <c>bool</c>.</summary>
    public sealed record LogRecord(Dictionary<string, string> Resource, string Scope, ulong Time, ulong ObservedTime, int Severity, string SeverityText, string Body, Dictionary<string, string> Attributes, string EventName, Dictionary<string, string> Kinds, bool HasBody);

    /// <summary>Reads an ExportLogsServiceRequest.</summary>
    public static List<LogRecord> DecodeLogs(byte[] request)
    {
        var records = new List<LogRecord>();
        foreach (var resourceLogs in Fields(request, 1))
        {
            var resource = Fields(resourceLogs, 1).SelectMany(r => Fields(r, 1)).Select(KeyValue).ToDictionary();
            foreach (var scopeLogs in Fields(resourceLogs, 2))
            {
                var scope = Fields(scopeLogs, 1).Select(s => Text(s, 1)).SingleOrDefault() ?? string.Empty;
                foreach (var record in Fields(scopeLogs, 2))
                {
                    records.Add(new LogRecord(
                        resource, scope, Fixed64(record, 1), Fixed64(record, 11), (int)Varint(record, 2), Text(record, 3),
                        Fields(record, 5).Select(body => Text(body, 1)).SingleOrDefault() ?? string.Empty,
                        Fields(record, 6).Select(KeyValue).ToDictionary(),
                        Text(record, 12),
                        Fields(record, 6).Select(KindOf).ToDictionary(),
                        HasField(record, 5)));
                }
            }
        }

        return records;
    }

    private static KeyValuePair<string, string> KeyValue(byte[] keyValue)
    {
        var value = Fields(keyValue, 2).Single();
        var text = HasField(value, 1) ? Text(value, 1)
            : HasField(value, 3) ? ((long)Varint(value, 3)).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : HasField(value, 2) ? (Varint(value, 2) == 1 ? "true" : "false")
            : BitConverter.UInt64BitsToDouble(Fixed64(value, 4)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new(Text(keyValue, 1), text);
    }

    private static KeyValuePair<string, string> KindOf(byte[] keyValue)
    {
        var value = Fields(keyValue, 2).Single();
        return new(Text(keyValue, 1), HasField(value, 1) ? "string" : HasField(value, 3) ? "int" : HasField(value, 2) ? "bool" : "double");
    }

    private static IEnumerable<(int Field, WireFormat.WireType Type, object Value)> All(byte[] message)
    {
        var input = new CodedInputStream(message);
        var items = new List<(int, WireFormat.WireType, object)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            var type = WireFormat.GetTagWireType(tag);
            object value = type switch
            {
                WireFormat.WireType.Varint => input.ReadUInt64(),
                WireFormat.WireType.Fixed64 => input.ReadFixed64(),
                WireFormat.WireType.LengthDelimited => input.ReadBytes().ToByteArray(),
                WireFormat.WireType.Fixed32 => input.ReadFixed32(),
                _ => throw new InvalidDataException($"unexpected wire type {type} for field {field}"),
            };
            items.Add((field, type, value));
        }

        return items;
    }

    private static bool HasField(byte[] message, int field) => All(message).Any(f => f.Field == field);

    private static IEnumerable<byte[]> Fields(byte[] message, int field) => All(message).Where(f => f.Field == field).Select(f => (byte[])f.Value);

    private static string Text(byte[] message, int field) => Fields(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b)).SingleOrDefault() ?? string.Empty;

    private static ulong Varint(byte[] message, int field) => All(message).Where(f => f.Field == field).Select(f => (ulong)f.Value).SingleOrDefault();

    private static ulong Fixed64(byte[] message, int field) => All(message).Where(f => f.Field == field).Select(f => (ulong)f.Value).SingleOrDefault();

    private static IEnumerable<ulong> Packed(byte[] message, int field)
    {
        foreach (var bytes in Fields(message, field))
        {
            for (var offset = 0; offset < bytes.Length; offset += 8)
            {
                yield return BitConverter.ToUInt64(bytes, offset);
            }
        }
    }
}
