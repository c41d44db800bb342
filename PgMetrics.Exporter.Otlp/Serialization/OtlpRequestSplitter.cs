using Fields = PgMetrics.Exporter.Otlp.Serialization.OtlpFieldNumbers;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// Splits an encoded OTLP export request into two smaller valid requests, at the outermost level
/// that has more than one entry: resources, then scopes, then metrics, then data points. Works on
/// bytes, so a request taken back from the disk spool can be split as well as a fresh one.
/// </summary>
internal sealed class OtlpRequestSplitter
{
    /// <summary>ExportMetricsServiceRequest → ResourceMetrics → ScopeMetrics → Metric (gauge/sum/histogram) → data points.</summary>
    public static OtlpRequestSplitter Metrics { get; } = new(
    [
        [Fields.ExportRequest.ResourceMetrics],
        [Fields.ResourceData.ScopeData],
        [Fields.ScopeData.Items],
        [Fields.Metric.Gauge, Fields.Metric.Sum, Fields.Metric.Histogram],
        [Fields.MetricData.DataPoints],
    ]);

    /// <summary>ExportLogsServiceRequest → ResourceLogs → ScopeLogs → log records.</summary>
    public static OtlpRequestSplitter Logs { get; } = new(
    [
        [Fields.ExportRequest.ResourceLogs],
        [Fields.ResourceData.ScopeData],
        [Fields.ScopeData.Items],
    ]);

    private readonly int[][] _repeatedFieldsByLevel;

    private OtlpRequestSplitter(int[][] repeatedFieldsByLevel) => _repeatedFieldsByLevel = repeatedFieldsByLevel;

    /// <summary>Two halves of <paramref name="request"/>, or null when it holds a single leaf entry.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed protobuf message.</exception>
    public (byte[] First, byte[] Second)? Split(byte[] request) => Split(request, 0);

    /// <summary>Splits until every part is at most <paramref name="maxBytes"/>; parts that cannot shrink further are returned in <paramref name="oversized"/>.</summary>
    public List<byte[]> SplitToLimit(byte[] request, int maxBytes, out List<byte[]> oversized)
    {
        var parts = new List<byte[]>();
        oversized = [];
        var pending = new Stack<byte[]>();
        pending.Push(request);
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part.Length <= maxBytes)
            {
                parts.Add(part);
            }
            else if (Split(part) is { } halves)
            {
                pending.Push(halves.Second);
                pending.Push(halves.First);
            }
            else
            {
                oversized.Add(part);
            }
        }

        return parts;
    }

    /// <summary>The number of entries at the innermost level: data points for metrics, records for logs.</summary>
    public int CountLeaves(byte[] request) => CountLeaves(request, 0);

    private int CountLeaves(ReadOnlySpan<byte> message, int level)
    {
        var count = 0;
        foreach (var field in ReadFields(message))
        {
            if (_repeatedFieldsByLevel[level].Contains(field.Number))
            {
                count += level == _repeatedFieldsByLevel.Length - 1 ? 1 : CountLeaves(message[field.Payload], level + 1);
            }
        }

        return count;
    }

    private (byte[] First, byte[] Second)? Split(byte[] message, int level)
    {
        if (level >= _repeatedFieldsByLevel.Length)
        {
            return null;
        }

        var fields = ReadFields(message);
        var repeated = _repeatedFieldsByLevel[level];
        var children = fields.Where(f => repeated.Contains(f.Number)).ToList();
        var others = fields.Where(f => !repeated.Contains(f.Number)).ToList();
        if (children.Count >= 2)
        {
            var half = children.Count / 2;
            return (Join(message, others, children.Take(half)), Join(message, others, children.Skip(half)));
        }

        if (children.Count == 1 && Split(message[children[0].Payload], level + 1) is { } inner)
        {
            return (Replace(message, others, children[0], inner.First), Replace(message, others, children[0], inner.Second));
        }

        return null;
    }

    private static List<Field> ReadFields(ReadOnlySpan<byte> message)
    {
        var fields = new List<Field>();
        var reader = new ProtobufReader(message);
        var start = reader.Position;
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (wireType == WireType.LengthDelimited)
            {
                var payload = reader.ReadLengthDelimitedRange();
                fields.Add(new Field(number, start..reader.Position, payload));
            }
            else
            {
                reader.Skip(wireType);
                fields.Add(new Field(number, start..reader.Position, reader.Position..reader.Position));
            }

            start = reader.Position;
        }

        return fields;
    }

    /// <summary>The fields in <paramref name="first"/> then <paramref name="second"/>, copied as encoded.</summary>
    private static byte[] Join(byte[] message, IEnumerable<Field> first, IEnumerable<Field> second)
    {
        var buffer = new ProtobufBuffer(message.Length);
        foreach (var field in first.Concat(second))
        {
            buffer.WriteRaw(message.AsSpan(field.Encoded));
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The fields in <paramref name="others"/>, then <paramref name="child"/> with <paramref name="payload"/> as its new content.</summary>
    private static byte[] Replace(byte[] message, IEnumerable<Field> others, Field child, byte[] payload)
    {
        var buffer = new ProtobufBuffer(message.Length);
        foreach (var field in others)
        {
            buffer.WriteRaw(message.AsSpan(field.Encoded));
        }

        buffer.WriteTag(child.Number, WireType.LengthDelimited);
        buffer.WriteVarint((ulong)payload.Length);
        buffer.WriteRaw(payload);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A field: its number, its whole encoding (tag included), and where its payload is (empty unless length-delimited).</summary>
    private readonly record struct Field(int Number, Range Encoded, Range Payload);
}
