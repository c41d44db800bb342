using System.Net;
using System.Text;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// <c>/healthz</c> (the process is alive) and <c>/readyz</c> (config loaded, last scrapes and
/// exports healthy, with the reasons when not) on a loopback port by default.
/// </summary>
internal sealed class HealthServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<IReadOnlyList<string>> _readinessProblems;
    private readonly Func<IReadOnlyList<string>> _targetProblems;
    private readonly Task _serving;

    /// <param name="endpoint"><c>host:port</c> to listen on.</param>
    /// <param name="readinessProblems">Problems that make the collector unready (503).</param>
    /// <param name="targetProblems">Problems of single listed targets, named after the status line but leaving it ready.</param>
    public HealthServer(string endpoint, Func<IReadOnlyList<string>> readinessProblems, Func<IReadOnlyList<string>>? targetProblems = null)
    {
        _readinessProblems = readinessProblems;
        _targetProblems = targetProblems ?? (() => []);
        _listener.Prefixes.Add(Prefix(endpoint));
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>
    /// The HttpListener prefix for <c>host:port</c>. 0.0.0.0 and [::] (all interfaces, as in a pod,
    /// where the kubelet probes the pod's address) become the wildcard host <c>+</c>: HttpListener
    /// refuses them as host names, and would otherwise only answer requests whose Host header names them.
    /// </summary>
    internal static string Prefix(string endpoint)
    {
        var portSeparator = endpoint.LastIndexOf(':');
        var host = portSeparator < 0 ? endpoint : endpoint[..portSeparator];
        var port = portSeparator < 0 ? string.Empty : endpoint[portSeparator..];
        return host is "0.0.0.0" or "[::]" ? $"http://+{port}/" : $"http://{endpoint}/";
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var (status, body) = context.Request.Url?.AbsolutePath switch
            {
                "/healthz" => (200, "ok\n"),
                "/readyz" => Readiness(),
                _ => (404, "not found; try /healthz or /readyz\n"),
            };
            try
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "text/plain; charset=utf-8";
                var bytes = Encoding.UTF8.GetBytes(body);
                await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    private (int Status, string Body) Readiness()
    {
        var targets = _targetProblems();
        var problems = _readinessProblems();
        var body = string.Concat(targets.Select(t => t + "\n"));
        return problems.Count > 0 ? (503, string.Join('\n', problems) + "\n" + body) : (200, "ready\n" + body);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }
}
