using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
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
/// server's watch timeout does. With a certificate it serves HTTPS and answers 401 to a request without its
/// bearer token, as a cluster's API server does for a pod's service account.
/// </summary>
public sealed class KubernetesApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _services = new();
    private Channel<string> _events = Channel.CreateUnbounded<string>();
    private readonly string? _token;
    private int _resourceVersion = 100;

    public KubernetesApiStandIn(X509Certificate2? certificate = null, string? token = null)
    {
        _token = token;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        _app = builder.Build();
        _app.MapGet("/api/v1/namespaces/{namespace}/services", ServicesAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        Endpoint = new Uri(_app.Urls.First());
    }

    public Uri Endpoint { get; }

    /// <summary>Every request's path and query, in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>
    /// A Service as the API returns it, with the fields a real server fills in (managed fields, cluster IPs,
    /// a target port as a number or a port name), so the client's models read a real shape.
    /// </summary>
    public static JsonObject Service(string @namespace, string name, IReadOnlyDictionary<string, string> annotations, params (string Name, int Port)[] ports)
        => new()
        {
            ["kind"] = "Service",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = @namespace,
                ["uid"] = $"{@namespace}-{name}",
                ["creationTimestamp"] = "2026-11-30T10:00:00Z",
                ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = name },
                ["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value)))),
                ["managedFields"] = new JsonArray(new JsonObject
                {
                    ["manager"] = "kubectl-client-side-apply",
                    ["operation"] = "Update",
                    ["apiVersion"] = "v1",
                    ["time"] = "2026-11-30T10:00:00Z",
                    ["fieldsType"] = "FieldsV1",
                    ["fieldsV1"] = new JsonObject { ["f:spec"] = new JsonObject { ["f:ports"] = new JsonObject() } },
                }),
            },
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP",
                ["clusterIP"] = "10.96.12.34",
                ["clusterIPs"] = new JsonArray("10.96.12.34"),
                ["ipFamilies"] = new JsonArray("IPv4"),
                ["ipFamilyPolicy"] = "SingleStack",
                ["sessionAffinity"] = "None",
                ["internalTrafficPolicy"] = "Cluster",
                ["selector"] = new JsonObject { ["app.kubernetes.io/name"] = name },
                ["ports"] = new JsonArray([.. ports.Select((p, i) => (JsonNode)new JsonObject
                {
                    ["name"] = p.Name,
                    ["port"] = p.Port,
                    ["protocol"] = "TCP",
                    ["targetPort"] = i % 2 == 0 ? JsonValue.Create(p.Port) : JsonValue.Create(p.Name),
                })]),
            },
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
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

    /// <summary>Ends the open watch with an ERROR event carrying 410 Gone, as a server does when the resourceVersion is too old.</summary>
    public async Task ExpireWatchAsync()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = "too old resource version: 100 (200)",
            ["reason"] = "Expired",
            ["code"] = 410,
        };
        await _events.Writer.WriteAsync(new JsonObject { ["type"] = "ERROR", ["object"] = status }.ToJsonString());
        EndWatch();
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
        if (_token is not null && context.Request.Headers.Authorization != $"Bearer {_token}")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""", context.RequestAborted);
            return;
        }

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
