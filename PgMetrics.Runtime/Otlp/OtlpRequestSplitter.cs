using Google.Protobuf;

namespace PgMetrics.Runtime.Otlp;

/// <summary>
/// Splits an encoded OTLP export request into two smaller valid requests, at the outermost level
/// that has more than one entry: resources, then scopes, then metrics, then data points. Works on
/// bytes, so a request taken back from the disk spool can be split as well as a fresh one.
/// </summary>
public sealed class OtlpRequestSplitter
{
    /// <summary>ExportMetricsServiceRequest → ResourceMetrics → ScopeMetrics → Metric (gauge/sum/histogram) → data points.</summary>
    public static OtlpRequestSplitter Metrics { get; } = new([[1], [2], [2], [5, 7, 9], [1]]);

    /// <summary>ExportLogsServiceRequest → ResourceLogs → ScopeLogs → log records.</summary>
    public static OtlpRequestSplitter Logs { get; } = new([[1], [2], [2]]);

    private readonly int[][] _repeatedFieldsByLevel;

    private OtlpRequestSplitter(int[][] repeatedFieldsByLevel) => _repeatedFieldsByLevel = repeatedFieldsByLevel;

    /// <summary>Two halves of <paramref name="request"/>, or null when it holds a single data point.</summary>
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

    private int CountLeaves(byte[] message, int level)
    {
        var children = ReadFields(message).Where(f => _repeatedFieldsByLevel[level].Contains(f.Number));
        return level == _repeatedFieldsByLevel.Length - 1 ? children.Count() : children.Sum(c => CountLeaves(c.Payload, level + 1));
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
            return (Join(others, children.Take(half)), Join(others, children.Skip(half)));
        }

        if (children.Count == 1 && Split(children[0].Payload, level + 1) is { } inner)
        {
            return (Join(others, [children[0] with { Payload = inner.First }]), Join(others, [children[0] with { Payload = inner.Second }]));
        }

        return null;
    }

    private static List<Field> ReadFields(byte[] message)
    {
        var fields = new List<Field>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited:
                    fields.Add(new Field(number, tag, input.ReadBytes().ToByteArray(), 0));
                    break;
                case WireFormat.WireType.Varint:
                    fields.Add(new Field(number, tag, [], input.ReadUInt64()));
                    break;
                case WireFormat.WireType.Fixed64:
                    fields.Add(new Field(number, tag, [], input.ReadFixed64()));
                    break;
                case WireFormat.WireType.Fixed32:
                    fields.Add(new Field(number, tag, [], input.ReadFixed32()));
                    break;
                default:
                    throw new InvalidDataException($"unsupported wire type in field {number} of an OTLP request");
            }
        }

        return fields;
    }

    private static byte[] Join(IEnumerable<Field> first, IEnumerable<Field> second)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var field in first.Concat(second))
        {
            output.WriteTag(field.Tag);
            switch (WireFormat.GetTagWireType(field.Tag))
            {
                case WireFormat.WireType.LengthDelimited:
                    output.WriteBytes(ByteString.CopyFrom(field.Payload));
                    break;
                case WireFormat.WireType.Varint:
                    output.WriteUInt64(field.Scalar);
                    break;
                case WireFormat.WireType.Fixed64:
                    output.WriteFixed64(field.Scalar);
                    break;
                default:
                    output.WriteFixed32((uint)field.Scalar);
                    break;
            }
        }

        output.Flush();
        return stream.ToArray();
    }

    private sealed record Field(int Number, uint Tag, byte[] Payload, ulong Scalar);
}
