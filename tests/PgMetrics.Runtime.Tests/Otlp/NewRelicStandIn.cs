using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace PgMetrics.Runtime.Tests.Otlp;

/// <summary>
/// A New Relic OTLP endpoint on loopback: checks the api-key and content type, un-gzips, keeps
/// each request body, and answers 403 to a wrong key as New Relic does.
/// </summary>
internal sealed class NewRelicStandIn : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly string _licenseKey;

    public NewRelicStandIn(string licenseKey)
    {
        _licenseKey = licenseKey;
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add(Endpoint.AbsoluteUri);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public List<byte[]> Requests { get; } = [];

    public List<string> Problems { get; } = [];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var request = context.Request;
            var status = 200;
            if (request.Url?.AbsolutePath != "/v1/metrics" || request.HttpMethod != "POST")
            {
                status = 404;
            }
            else if (request.Headers["api-key"] != _licenseKey)
            {
                status = 403;
            }
            else if (request.ContentType != "application/x-protobuf")
            {
                Problems.Add("content type " + request.ContentType);
                status = 415;
            }
            else
            {
                using var body = new MemoryStream();
                var input = request.Headers["Content-Encoding"] == "gzip" ? new GZipStream(request.InputStream, CompressionMode.Decompress) : request.InputStream;
                await input.CopyToAsync(body);
                lock (Requests)
                {
                    Requests.Add(body.ToArray());
                }
            }

            context.Response.StatusCode = status;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
