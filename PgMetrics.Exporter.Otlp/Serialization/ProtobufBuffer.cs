using System.Buffers.Binary;
using System.Text;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// A growable byte buffer with just the protobuf encodings OTLP needs. Nested messages get a
/// 4-byte length slot that is filled in when the message ends (a padded varint, which protobuf
/// decoders accept), so a message is written in one pass without measuring it first. The array
/// is kept between exports, so steady-state encoding allocates nothing.
/// </summary>
internal sealed class ProtobufBuffer
{
    private const int LengthSlotSize = 4;
    private const int MaxMessageLength = (1 << 28) - 1;

    private byte[] _bytes;
    private int _length;

    public ProtobufBuffer(int initialCapacity = 64 * 1024) => _bytes = new byte[initialCapacity];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>
    /// Drops the first <paramref name="count"/> bytes and moves the rest to the start. Lengths are relative
    /// to the message they precede, so complete messages after the cut stay valid where they land.
    /// </summary>
    public void RemovePrefix(int count)
    {
        _bytes.AsSpan(count, _length - count).CopyTo(_bytes);
        _length -= count;
    }

    public void WriteTag(int fieldNumber, int wireType) => WriteVarint((uint)((fieldNumber << 3) | wireType));

    public void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _bytes[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _bytes[_length++] = (byte)value;
    }

    public void WriteFixed64(int fieldNumber, ulong value)
    {
        WriteTag(fieldNumber, WireType.Fixed64);
        WriteFixed64Value(value);
    }

    /// <summary>A fixed64 without a tag, as an element of a packed repeated field.</summary>
    public void WriteFixed64Value(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteDouble(int fieldNumber, double value) => WriteFixed64(fieldNumber, BitConverter.DoubleToUInt64Bits(value));

    public void WriteString(int fieldNumber, string value)
    {
        WriteTag(fieldNumber, WireType.LengthDelimited);
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteVarint((uint)byteCount);
        Ensure(byteCount);
        _length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(_length));
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Starts a length-delimited field; pass the result to <see cref="EndMessage"/>.</summary>
    public int BeginMessage(int fieldNumber)
    {
        WriteTag(fieldNumber, WireType.LengthDelimited);
        Ensure(LengthSlotSize);
        var slot = _length;
        _length += LengthSlotSize;
        return slot;
    }

    public void EndMessage(int slot)
    {
        var length = _length - slot - LengthSlotSize;
        if (length > MaxMessageLength)
        {
            throw new InvalidOperationException($"An OTLP message of {length} bytes exceeds what a 4-byte length can hold.");
        }

        _bytes[slot] = (byte)(length | 0x80);
        _bytes[slot + 1] = (byte)((length >> 7) | 0x80);
        _bytes[slot + 2] = (byte)((length >> 14) | 0x80);
        _bytes[slot + 3] = (byte)(length >> 21);
    }

    private void Ensure(int additional)
    {
        if (_length + additional > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + additional));
        }
    }
}

/// <summary>Protobuf wire types.</summary>
internal static class WireType
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;
}
