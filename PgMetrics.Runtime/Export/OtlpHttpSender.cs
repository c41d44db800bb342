using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace PgMetrics.Runtime.Export;

/// <summary>
/// The transport: POSTs one encoded OTLP request and classifies the answer. Knows nothing of
/// queues or retries; the exporter decides what to do with each <see cref="SendOutcome"/>.
/// </summary>
public sealed class OtlpHttpSender : IDisposable
{
    private const string ProtobufContentType = "application/x-protobuf";

    private readonly OtlpExporterOptions _options;
    private readonly HttpClient _client;
    private readonly PayloadCompressor _compressor;
    private readonly Uri _uri;

    /// <summary>Creates a sender for one endpoint and signal path (<c>/v1/metrics</c> or <c>/v1/logs</c>).</summary>
    public OtlpHttpSender(OtlpExporterOptions options, string signalPath = "/v1/metrics", HttpMessageHandler? handler = null)
    {
        _options = options;
        _uri = new Uri(options.Endpoint.AbsoluteUri.TrimEnd('/') + signalPath);
        _compressor = new PayloadCompressor(options.Compression);
        _client = handler is null
            ? new HttpClient(new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                SslOptions = { EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13 },
            })
            : new HttpClient(handler);
        _client.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>Where requests go, without credentials.</summary>
    public Uri Destination => _uri;

    /// <summary>Sends one uncompressed OTLP request body; never throws for network or HTTP failures.</summary>
    public async Task<SendOutcome> SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var body = _compressor.Compress(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ProtobufContentType);
        if (_compressor.ContentEncoding is { } encoding)
        {
            request.Content.Headers.ContentEncoding.Add(encoding);
        }

        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var answer = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                var (rejected, message) = ReadPartialSuccess(answer);
                return new SendOutcome(SendOutcomeKind.Accepted, status, null, rejected, message);
            }

            var kind = response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => SendOutcomeKind.Retryable,
                HttpStatusCode.RequestEntityTooLarge => SendOutcomeKind.TooLarge,
                _ when status >= 500 => SendOutcomeKind.Retryable,
                _ => SendOutcomeKind.Rejected,
            };
            return new SendOutcome(kind, status, RetryAfter(response), 0, response.ReasonPhrase);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome(SendOutcomeKind.Retryable, 0, null, 0, $"no answer from {_uri} within {_options.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // Exception texts name the URL at most; header values (the license key) never reach them.
            return new SendOutcome(SendOutcomeKind.Retryable, 0, null, 0, $"{_uri}: {ex.Message}");
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    /// <summary>Reads <c>partial_success</c> (field 1) of an Export*ServiceResponse: rejected count (1) and message (2).</summary>
    private static (long Rejected, string? Message) ReadPartialSuccess(byte[] answer)
    {
        if (answer.Length == 0)
        {
            return (0, null);
        }

        try
        {
            var input = new CodedInputStream(answer);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) != 1 || WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
                {
                    input.SkipLastField();
                    continue;
                }

                var partial = new CodedInputStream(input.ReadBytes().ToByteArray());
                long rejected = 0;
                string? message = null;
                while ((tag = partial.ReadTag()) != 0)
                {
                    switch (WireFormat.GetTagFieldNumber(tag))
                    {
                        case 1: rejected = partial.ReadInt64(); break;
                        case 2: message = partial.ReadString(); break;
                        default: partial.SkipLastField(); break;
                    }
                }

                return (rejected, message);
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // A success whose body is not OTLP is still a success; there is nothing to count.
        }

        return (0, null);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _client.Dispose();
        _compressor.Dispose();
    }
}
