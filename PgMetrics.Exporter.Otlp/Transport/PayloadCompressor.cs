using System.IO.Compression;
using PgMetrics.Exporter.Otlp.Transmission;
using ZstdSharp;

namespace PgMetrics.Exporter.Otlp.Transport;

/// <summary>
/// Compresses request bodies as they are queued, so the queue and the spool hold what goes on the wire
/// (gzip makes an OTLP request about 30 times smaller), and decompresses them where a request must be cut
/// or joined. One instance is used by one thread at a time: it reuses its output buffer.
/// </summary>
internal sealed class PayloadCompressor : IDisposable
{
    private readonly OtlpCompression _compression;
    private readonly MemoryStream _output = new();
    private readonly Compressor? _zstd;
    private byte[] _zstdOutput = [];

    /// <summary>Creates a compressor for one algorithm.</summary>
    public PayloadCompressor(OtlpCompression compression)
    {
        _compression = compression;
        _zstd = compression == OtlpCompression.Zstd ? new Compressor(level: 3) : null;
    }

    /// <summary>The <c>Content-Encoding</c> value of <paramref name="compression"/>, or null for none.</summary>
    public static string? ContentEncoding(OtlpCompression compression)
        => compression == OtlpCompression.None ? null : OtlpCompressionNames.Name(compression);

    /// <summary>Compresses one encoded request into a body of its own, to be queued.</summary>
    /// <param name="request">The OTLP export request's protobuf bytes.</param>
    /// <param name="points">The data points or log records it holds.</param>
    public EncodedRequest Encode(ReadOnlySpan<byte> request, int points)
        => new(Compress(request).ToArray(), _compression, request.Length, points);

    /// <summary>Compresses <paramref name="payload"/>; the result is valid until the next call.</summary>
    public ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> payload)
    {
        switch (_compression)
        {
            case OtlpCompression.None:
                return payload;
            case OtlpCompression.Zstd:
                var bound = Compressor.GetCompressBound(payload.Length);
                if (_zstdOutput.Length < bound)
                {
                    _zstdOutput = new byte[bound];
                }

                return _zstdOutput.AsSpan(0, _zstd!.Wrap(payload, _zstdOutput));
            default:
                _output.SetLength(0);
                using (var gzip = new GZipStream(_output, CompressionLevel.Fastest, leaveOpen: true))
                {
                    gzip.Write(payload);
                }

                return _output.GetBuffer().AsSpan(0, (int)_output.Length);
        }
    }

    /// <summary>The encoded request a queued body holds.</summary>
    /// <exception cref="InvalidDataException">The body is not valid gzip or zstd, or does not hold <see cref="ExportItem.RequestBytes"/> bytes.</exception>
    public static byte[] Decompress(byte[] body, OtlpCompression compression, int requestBytes)
    {
        switch (compression)
        {
            case OtlpCompression.None:
                return body;
            case OtlpCompression.Zstd:
                using (var zstd = new Decompressor())
                {
                    var request = new byte[requestBytes];
                    try
                    {
                        return zstd.Unwrap(body, request, 0) == requestBytes ? request : throw new InvalidDataException($"a zstd body held other than {requestBytes} bytes");
                    }
                    catch (ZstdException ex)
                    {
                        throw new InvalidDataException("not a zstd body: " + ex.Message, ex);
                    }
                }

            default:
                using (var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress))
                {
                    var request = new byte[requestBytes];
                    try
                    {
                        gzip.ReadExactly(request);
                    }
                    catch (EndOfStreamException ex)
                    {
                        throw new InvalidDataException($"a gzip body held fewer than {requestBytes} bytes", ex);
                    }

                    return request;
                }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _output.Dispose();
        _zstd?.Dispose();
    }
}
