using PgMetrics.Exporter.Otlp.Serialization;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>The reader reads back what the writer writes, and refuses malformed bytes with a clear error rather than reading past them.</summary>
public sealed class ProtobufReaderTests
{
    [Fact]
    public void Every_wire_type_the_writer_produces_reads_back()
    {
        var buffer = new ProtobufBuffer();
        buffer.WriteTag(1, WireType.Varint);
        buffer.WriteVarint(300);
        buffer.WriteFixed64(2, 0x0102030405060708);
        buffer.WriteString(3, "données");
        var nested = buffer.BeginMessage(4);
        buffer.WriteTag(1, WireType.Varint);
        buffer.WriteVarint(ulong.MaxValue);
        buffer.EndMessage(nested);

        var reader = new ProtobufReader(buffer.WrittenSpan);
        Assert.True(reader.TryReadTag(out var field, out var type));
        Assert.Equal((1, WireType.Varint, 300UL), (field, type, reader.ReadVarint()));
        Assert.True(reader.TryReadTag(out field, out type));
        Assert.Equal((2, WireType.Fixed64, 0x0102030405060708UL), (field, type, reader.ReadFixed64()));
        Assert.True(reader.TryReadTag(out field, out _));
        Assert.Equal((3, "données"), (field, System.Text.Encoding.UTF8.GetString(reader.ReadLengthDelimited())));
        Assert.True(reader.TryReadTag(out field, out _));
        var inner = new ProtobufReader(reader.ReadLengthDelimited());
        Assert.Equal(4, field);
        Assert.True(inner.TryReadTag(out field, out _));
        Assert.Equal((1, ulong.MaxValue), (field, inner.ReadVarint()));
        Assert.False(reader.TryReadTag(out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0x05, 0x01 }, "runs past the end")]
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF }, "runs past the end")]
    [InlineData(new byte[] { 0x00, 0x01 }, "field number of 0")]
    [InlineData(new byte[] { 0x0B, 0x01 }, "unsupported protobuf wire type 3")]
    public void Malformed_bytes_are_refused_with_what_is_wrong(byte[] bytes, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new ProtobufReader(bytes);
            while (reader.TryReadTag(out _, out var wireType))
            {
                reader.Skip(wireType);
            }
        });

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
