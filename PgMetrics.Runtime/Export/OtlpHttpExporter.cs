using System.Buffers;
using System.IO.Compression;
using System.Net.Http.Headers;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Otlp;

namespace PgMetrics.Runtime.Export;

/// <summary>
/// Sends metrics as OTLP/HTTP protobuf to New Relic or any OTLP receiver: encode, compress, POST.
/// One instance per endpoint; its HttpClient keeps connections alive between exports.
/// </summary>
public sealed class OtlpHttpExporter : IDisposable
{
    private const string ProtobufContentType = "application/x-protobuf";

    private readonly OtlpExporterOptions _options;
    private readonly HttpClient _client;
    private readonly OtlpMetricsWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _encoded = new(64 * 1024);
    private readonly MemoryStream _compressed = new();

    /// <summary>Creates an exporter; <paramref name="handler"/> is for tests and proxies.</summary>
    public OtlpHttpExporter(OtlpExporterOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _client = handler is null
            ? new HttpClient(new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                SslOptions = { EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13 },
            })
            : new HttpClient(handler);
        _client.Timeout = options.Timeout;
    }

    /// <summary>Where this exporter sends, without credentials.</summary>
    public Uri Destination => _options.MetricsUri;

    /// <summary>Sends every point of <paramref name="metrics"/> in one request.</summary>
    public async Task<ExportResult> ExportAsync(MetricsBuffer metrics, CancellationToken cancellationToken)
    {
        _encoded.ResetWrittenCount();
        var encodedBytes = _writer.Write(metrics, _encoded);
        var body = Compress(_encoded.WrittenMemory);

        using var request = new HttpRequestMessage(HttpMethod.Post, _options.MetricsUri) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ProtobufContentType);
        if (_options.Compression == OtlpCompression.Gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new ExportResult(true, metrics.Count, encodedBytes, body.Length, status, null)
                : new ExportResult(false, metrics.Count, encodedBytes, body.Length, status, $"{_options.MetricsUri} answered {status} {response.ReasonPhrase}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // Exception texts name the URL at most; header values (the license key) never reach them.
            return new ExportResult(false, metrics.Count, encodedBytes, body.Length, 0, $"{_options.MetricsUri}: {ex.Message}");
        }
    }

    private ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> encoded)
    {
        if (_options.Compression == OtlpCompression.None)
        {
            return encoded;
        }

        _compressed.SetLength(0);
        using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(encoded.Span);
        }

        return _compressed.GetBuffer().AsMemory(0, (int)_compressed.Length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _client.Dispose();
        _compressed.Dispose();
    }
}
