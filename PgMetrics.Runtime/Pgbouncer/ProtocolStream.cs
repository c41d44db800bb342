using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// Messages of the PostgreSQL frontend/backend protocol 3.0 over a stream: a type byte, a big-endian
/// length that counts itself, and the payload. Only what the admin console needs is here.
/// </summary>
internal sealed class ProtocolStream(Stream stream) : IAsyncDisposable
{
    /// <summary>A backend message longer than this is a protocol error, not a reason to allocate it.</summary>
    private const int MaxMessageLength = 16 * 1024 * 1024;

    private readonly byte[] _header = new byte[5];

    /// <summary>The stream underneath, e.g. to wrap it in TLS before the startup message.</summary>
    public Stream Stream { get; set; } = stream;

    /// <summary>Sends a message: <paramref name="type"/> (0 for the untyped startup and SSL request messages) and its payload.</summary>
    public async Task SendAsync(byte type, Action<ArrayBufferWriter<byte>> payload, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>();
        payload(body);
        var message = new byte[(type == 0 ? 4 : 5) + body.WrittenCount];
        var offset = 0;
        if (type != 0)
        {
            message[offset++] = type;
        }

        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(offset), body.WrittenCount + 4);
        body.WrittenSpan.CopyTo(message.AsSpan(offset + 4));
        await Stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the single byte the server answers an SSL request with: <c>S</c> or <c>N</c>.</summary>
    /// <exception cref="IOException">The connection closed.</exception>
    public async Task<byte> ReadByteAsync(CancellationToken cancellationToken)
    {
        await Stream.ReadExactlyAsync(_header.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
        return _header[0];
    }

    /// <summary>Reads one backend message.</summary>
    /// <exception cref="IOException">The connection closed, or the server sent something that is not a protocol message.</exception>
    public async Task<(byte Type, byte[] Payload)> ReceiveAsync(CancellationToken cancellationToken)
    {
        await Stream.ReadExactlyAsync(_header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1));
        if (length is < 4 or > MaxMessageLength)
        {
            throw new IOException($"the server sent a message of type '{(char)_header[0]}' with an impossible length {length}; is this PgBouncer?");
        }

        var payload = new byte[length - 4];
        await Stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return (_header[0], payload);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    /// <summary>Writes a big-endian 32-bit integer.</summary>
    public static void WriteInt32(ArrayBufferWriter<byte> writer, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(4), value);
        writer.Advance(4);
    }

    /// <summary>Writes text as UTF-8 followed by a zero byte.</summary>
    public static void WriteCString(ArrayBufferWriter<byte> writer, string text)
    {
        var count = Encoding.UTF8.GetBytes(text, writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 1));
        writer.Advance(count);
        writer.Write([(byte)0]);
    }
}

/// <summary>Reads the fields of one backend message's payload in order.</summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _payload = payload;
    private int _position;

    /// <summary>Whether every byte was read.</summary>
    public readonly bool AtEnd => _position >= _payload.Length;

    /// <summary>A big-endian 32-bit integer.</summary>
    /// <exception cref="IOException">The message ends too early.</exception>
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>A big-endian 16-bit integer.</summary>
    /// <exception cref="IOException">The message ends too early.</exception>
    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    /// <summary>A single byte.</summary>
    /// <exception cref="IOException">The message ends too early.</exception>
    public byte ReadByte() => Take(1)[0];

    /// <summary>Zero-terminated UTF-8 text.</summary>
    /// <exception cref="IOException">The text has no terminating zero.</exception>
    public string ReadCString()
    {
        var length = _payload[_position..].IndexOf((byte)0);
        if (length < 0)
        {
            throw new IOException("a text field of a server message has no terminating zero byte");
        }

        var text = Encoding.UTF8.GetString(_payload.Slice(_position, length));
        _position += length + 1;
        return text;
    }

    /// <summary>The next <paramref name="count"/> bytes.</summary>
    /// <exception cref="IOException">The message ends too early.</exception>
    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _payload.Length)
        {
            throw new IOException("a server message ended before its fields did");
        }

        var span = _payload.Slice(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Whatever is left of the message.</summary>
    public ReadOnlySpan<byte> Rest() => Take(_payload.Length - _position);
}
