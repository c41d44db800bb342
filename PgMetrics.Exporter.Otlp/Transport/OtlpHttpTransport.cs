using System.Net;
using System.Net.Http.Headers;
using PgMetrics.Exporter.Otlp.Serialization;
using Fields = PgMetrics.Exporter.Otlp.Serialization.OtlpFieldNumbers;

namespace PgMetrics.Exporter.Otlp.Transport;

/// <summary>
/// The transport: POSTs one encoded OTLP request (compressed, with the configured headers) and
/// classifies the answer. Knows nothing of queues, retries or timeouts; the queue sender's resilience
/// pipeline decides what to do with each <see cref="SendOutcome"/> and bounds each attempt.
/// </summary>
internal sealed class OtlpHttpTransport : IDisposable
{
    private const string ProtobufContentType = "application/x-protobuf";

    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly HttpClient _client;

    /// <summary>Creates a transport for one endpoint and signal path (<c>/v1/metrics</c> or <c>/v1/logs</c>).</summary>
    public OtlpHttpTransport(OtlpExporterOptions options, string signalPath, HttpMessageHandler? handler = null)
    {
        _headers = options.Headers;
        Destination = new Uri(options.Endpoint.AbsoluteUri.TrimEnd('/') + signalPath);
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
    public Uri Destination { get; }

    /// <summary>
    /// Sends one OTLP request body, compressed as <paramref name="compression"/> says. Never throws for network
    /// or HTTP failures (they are retryable outcomes); throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task<SendOutcome> SendAsync(ReadOnlyMemory<byte> body, OtlpCompression compression, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Destination) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ProtobufContentType);
        if (PayloadCompressor.ContentEncoding(compression) is { } encoding)
        {
            request.Content.Headers.ContentEncoding.Add(encoding);
        }

        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
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
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // Exception texts name the URL at most; header values (the license key) never reach them.
            return new SendOutcome(SendOutcomeKind.Retryable, 0, null, 0, $"{Destination}: {ex.Message}");
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

    /// <summary>Reads <c>partial_success</c> of an Export*ServiceResponse: the rejected count and the message.</summary>
    private static (long Rejected, string? Message) ReadPartialSuccess(byte[] answer)
    {
        try
        {
            var response = new ProtobufReader(answer);
            while (response.TryReadTag(out var field, out var wireType))
            {
                if (field != Fields.ExportResponse.PartialSuccess || wireType != WireType.LengthDelimited)
                {
                    response.Skip(wireType);
                    continue;
                }

                var partial = new ProtobufReader(response.ReadLengthDelimited());
                long rejected = 0;
                string? message = null;
                while (partial.TryReadTag(out field, out wireType))
                {
                    if (field == Fields.ExportResponse.RejectedCount && wireType == WireType.Varint)
                    {
                        rejected = (long)partial.ReadVarint();
                    }
                    else if (field == Fields.ExportResponse.ErrorMessage && wireType == WireType.LengthDelimited)
                    {
                        message = System.Text.Encoding.UTF8.GetString(partial.ReadLengthDelimited());
                    }
                    else
                    {
                        partial.Skip(wireType);
                    }
                }

                return (rejected, message);
            }
        }
        catch (InvalidDataException)
        {
            // A success whose body is not OTLP is still a success; there is nothing to count.
        }

        return (0, null);
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
