using System.Buffers.Binary;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// Reads protobuf fields from bytes, the counterpart of <see cref="ProtobufBuffer"/>: enough to split
/// encoded requests and to read an export response's partial success, so the exporter needs no
/// protobuf library. Malformed input throws <see cref="InvalidDataException"/>.
/// </summary>
internal ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Where the next field starts.</summary>
    public readonly int Position => _position;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool TryReadTag(out int fieldNumber, out int wireType)
    {
        if (_position >= _data.Length)
        {
            fieldNumber = 0;
            wireType = 0;
            return false;
        }

        var tag = ReadVarint();
        fieldNumber = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (fieldNumber == 0)
        {
            throw new InvalidDataException($"a protobuf field number of 0 at byte {_position}");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new InvalidDataException("a protobuf varint runs past the end of the message");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("a protobuf varint is longer than 10 bytes");
    }

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>The payload of a length-delimited field (a string, bytes or a nested message).</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited() => _data[ReadLengthDelimitedRange()];

    /// <summary>Where the payload of a length-delimited field is in the message; the reader moves past it.</summary>
    public Range ReadLengthDelimitedRange()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new InvalidDataException($"a protobuf field of {length} bytes runs past the end of the message");
        }

        var start = _position;
        _position += (int)length;
        return start.._position;
    }

    /// <summary>Skips the value of a field whose tag was just read.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.LengthDelimited: ReadLengthDelimited(); break;
            case WireType.Fixed32: Take(4); break;
            default: throw new InvalidDataException($"unsupported protobuf wire type {wireType}");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new InvalidDataException("a protobuf field runs past the end of the message");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
