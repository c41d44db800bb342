using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PgMetrics.TestOtlp;

/// <summary>
/// A New Relic OTLP endpoint on loopback. Like New Relic it checks the api-key (403) and content
/// type (415), decompresses gzip and zstd, and refuses bodies over 1,000,000 bytes (413). Faults can
/// be queued: a status with an optional Retry-After, a slow answer, or a dropped connection. A
/// request is recorded as accepted only when it is answered 200. Given a server certificate it
/// listens over TLS, as New Relic does.
/// </summary>
public sealed class NewRelicStandIn : IAsyncDisposable
{
    public const int PayloadLimit = 1_000_000;

    private readonly WebApplication _app;
    private readonly string _licenseKey;
    private readonly ConcurrentQueue<Fault> _faults = new();

    public NewRelicStandIn(string licenseKey, System.Security.Cryptography.X509Certificates.X509Certificate2? serverCertificate = null)
    {
        _licenseKey = licenseKey;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (serverCertificate is not null)
                {
                    listen.UseHttps(serverCertificate);
                }
            });
            kestrel.Limits.MaxRequestBodySize = null;
        });
        _app = builder.Build();
        _app.MapPost("/v1/metrics", AnswerAsync);
        _app.MapPost("/v1/logs", AnswerLogsAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        Endpoint = new Uri(_app.Urls.First());
    }

    public Uri Endpoint { get; }

    /// <summary>Accepted request bodies, decompressed, in arrival order.</summary>
    public List<byte[]> Accepted { get; } = [];

    /// <summary>Accepted logs request bodies, decompressed.</summary>
    public List<byte[]> AcceptedLogs { get; } = [];

    /// <summary>Every request that reached the stand-in, with what it answered (0: connection dropped).</summary>
    public List<int> Answers { get; } = [];

    public List<string> ContentEncodings { get; } = [];

    /// <summary>Answers 200 with this OTLP partial_success body, when set.</summary>
    public byte[]? SuccessBody { get; set; }

    /// <summary>Makes every request fail with 503 while set.</summary>
    public bool Down { get; set; }

    /// <summary>Answers every request with this status (e.g. 413, as an endpoint that refuses any size) while not 0.</summary>
    public int RefuseEveryRequestWith { get; set; }

    /// <summary>Answers the next requests with these faults, in order, before accepting again.</summary>
    public void Inject(params Fault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        using var raw = new MemoryStream();
        await request.Body.CopyToAsync(raw);
        var status = 200;
        if (Down)
        {
            status = 503;
        }
        else if (RefuseEveryRequestWith != 0)
        {
            status = RefuseEveryRequestWith;
        }
        else if (_faults.TryDequeue(out var fault))
        {
            switch (fault.Kind)
            {
                case FaultKind.DropConnection:
                    Record(0);
                    context.Abort();
                    return;
                case FaultKind.Slow:
                    await Task.Delay(fault.Delay);
                    status = 503;
                    break;
                default:
                    status = fault.Status;
                    if (fault.RetryAfterSeconds is { } seconds)
                    {
                        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    break;
            }
        }
        else if (request.Headers["api-key"] != _licenseKey)
        {
            status = 403;
        }
        else if (request.ContentType != "application/x-protobuf")
        {
            status = 415;
        }
        else if (raw.Length > PayloadLimit)
        {
            status = 413;
        }
        else
        {
            var encoding = request.Headers.ContentEncoding.FirstOrDefault() ?? "none";
            var body = RequestBodies.Decompress(raw.ToArray(), encoding);
            lock (Accepted)
            {
                Accepted.Add(body);
                ContentEncodings.Add(encoding);
            }
        }

        Record(status);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-protobuf";
        if (status == 200 && SuccessBody is { } success)
        {
            await context.Response.Body.WriteAsync(success);
        }
    }

    private async Task AnswerLogsAsync(HttpContext context)
    {
        using var raw = new MemoryStream();
        await context.Request.Body.CopyToAsync(raw);
        if (Down || context.Request.Headers["api-key"] != _licenseKey)
        {
            context.Response.StatusCode = Down ? 503 : 403;
            return;
        }

        var body = RequestBodies.Decompress(raw.ToArray(), context.Request.Headers.ContentEncoding.FirstOrDefault() ?? "none");
        lock (AcceptedLogs)
        {
            AcceptedLogs.Add(body);
        }

        context.Response.StatusCode = 200;
    }

    private void Record(int status)
    {
        lock (Answers)
        {
            Answers.Add(status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public enum FaultKind
{
    Status,
    Slow,
    DropConnection,
}

public sealed record Fault(FaultKind Kind, int Status = 0, int? RetryAfterSeconds = null, TimeSpan Delay = default)
{
    public static Fault Answer(int status, int? retryAfterSeconds = null) => new(FaultKind.Status, status, retryAfterSeconds);

    public static Fault SlowAnswer(TimeSpan delay) => new(FaultKind.Slow, Delay: delay);

    public static Fault DroppedConnection { get; } = new(FaultKind.DropConnection);
}
