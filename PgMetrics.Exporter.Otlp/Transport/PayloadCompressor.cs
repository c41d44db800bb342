using System.IO.Compression;
using ZstdSharp;

namespace PgMetrics.Exporter.Otlp.Transport;

/// <summary>Compresses request bodies into a reused buffer.</summary>
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

    /// <summary>The <c>Content-Encoding</c> value, or null for none.</summary>
    public string? ContentEncoding => _compression switch
    {
        OtlpCompression.Gzip => "gzip",
        OtlpCompression.Zstd => "zstd",
        _ => null,
    };

    /// <summary>Compresses <paramref name="payload"/>; the result is valid until the next call.</summary>
    public ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> payload)
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

                return _zstdOutput.AsMemory(0, _zstd!.Wrap(payload.Span, _zstdOutput));
            default:
                _output.SetLength(0);
                using (var gzip = new GZipStream(_output, CompressionLevel.Fastest, leaveOpen: true))
                {
                    gzip.Write(payload.Span);
                }

                return _output.GetBuffer().AsMemory(0, (int)_output.Length);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _output.Dispose();
        _zstd?.Dispose();
    }
}
