using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// A Kubernetes API server on loopback that serves what discovery asks of a real one: the Services of a
/// namespace as a ServiceList with a resourceVersion, and a watch (<c>?watch=true</c>) that streams one JSON
/// event per line as the test changes Services. Ending a watch makes the client list again, as a real
/// server's watch timeout does.
/// </summary>
public sealed class KubernetesApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _services = new();
    private Channel<string> _events = Channel.CreateUnbounded<string>();
    private int _resourceVersion = 100;

    public KubernetesApiStandIn()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/api/v1/namespaces/{namespace}/services", ServicesAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        Endpoint = new Uri(_app.Urls.First());
    }

    public Uri Endpoint { get; }

    /// <summary>Every request's path and query, in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>A Service as the API returns it.</summary>
    public static JsonObject Service(string @namespace, string name, IReadOnlyDictionary<string, string> annotations, params (string Name, int Port)[] ports)
        => new()
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = @namespace,
                ["uid"] = $"{@namespace}-{name}",
                ["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value)))),
            },
            ["spec"] = new JsonObject
            {
                ["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = "TCP" })]),
            },
        };

    /// <summary>Sets a Service before discovery lists, without a watch event.</summary>
    public void Put(JsonObject service) => _services[Key(service)] = Stamp(service);

    /// <summary>Changes a Service and tells the watch: ADDED, MODIFIED or DELETED.</summary>
    public async Task ChangeAsync(string type, JsonObject service)
    {
        service = Stamp(service);
        if (type == "DELETED")
        {
            _services.TryRemove(Key(service), out _);
        }
        else
        {
            _services[Key(service)] = service;
        }

        await _events.Writer.WriteAsync(new JsonObject { ["type"] = type, ["object"] = service.DeepClone() }.ToJsonString());
    }

    /// <summary>Ends the open watch, as the server's timeout does; the client lists again.</summary>
    public void EndWatch()
    {
        var ended = _events;
        _events = Channel.CreateUnbounded<string>();
        ended.Writer.Complete();
    }

    private JsonObject Stamp(JsonObject service)
    {
        service = (JsonObject)service.DeepClone();
        service["metadata"]!["resourceVersion"] = Interlocked.Increment(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return service;
    }

    private static string Key(JsonObject service) => $"{service["metadata"]!["namespace"]}/{service["metadata"]!["name"]}";

    private async Task ServicesAsync(HttpContext context, string @namespace)
    {
        Requests.Enqueue(context.Request.Path + context.Request.QueryString);
        context.Response.ContentType = "application/json";
        if (context.Request.Query["watch"] == "true")
        {
            var events = _events;
            await context.Response.StartAsync(context.RequestAborted);
            try
            {
                await foreach (var line in events.Reader.ReadAllAsync(context.RequestAborted))
                {
                    await context.Response.WriteAsync(line + "\n", Encoding.UTF8, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The client went away.
            }

            return;
        }

        var list = new JsonObject
        {
            ["kind"] = "ServiceList",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = Volatile.Read(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray([.. _services.Where(s => s.Key.StartsWith(@namespace + "/", StringComparison.Ordinal)).Select(s => (JsonNode)s.Value.DeepClone())]),
        };
        await context.Response.WriteAsync(list.ToJsonString(), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
