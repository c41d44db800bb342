using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PgMetrics.Soak;

/// <summary>An OTLP/HTTP endpoint on loopback that accepts every request and keeps only counts, so a long soak holds no payloads.</summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;
    private long _bytes;

    public OtlpSink()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        _app = builder.Build();
        _app.MapPost("/v1/{signal}", AcceptAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        Endpoint = new Uri(_app.Urls.First());
    }

    public Uri Endpoint { get; }

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Compressed request bytes received.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    private async Task AcceptAsync(HttpContext context)
    {
        var buffer = new byte[81920];
        int read;
        long total = 0;
        while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, total);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
