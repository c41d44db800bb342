using System.Text.Json.Serialization;

namespace PgMetrics.Collector.Targets.Kubernetes;

/// <summary>The fields of a core/v1 Service that discovery reads; the API sends many more, which are skipped.</summary>
internal sealed record Service(ObjectMeta? Metadata, ServiceSpec? Spec);

/// <summary>A Service's metadata: where it is and its annotations.</summary>
internal sealed record ObjectMeta(
    string? Name,
    [property: JsonPropertyName("namespace")] string? Namespace,
    string? ResourceVersion,
    IReadOnlyDictionary<string, string>? Annotations);

/// <summary>A Service's ports.</summary>
internal sealed record ServiceSpec(IReadOnlyList<ServicePort>? Ports);

/// <summary>One port of a Service.</summary>
internal sealed record ServicePort(string? Name, int Port);

/// <summary>A ServiceList: the Services and the resourceVersion a watch continues from.</summary>
internal sealed record ServiceList(ListMeta? Metadata, IReadOnlyList<Service>? Items);

/// <summary>A list's metadata.</summary>
internal sealed record ListMeta(string? ResourceVersion);

/// <summary>
/// One line of a watch: <c>ADDED</c>, <c>MODIFIED</c>, <c>DELETED</c>, <c>BOOKMARK</c> or <c>ERROR</c>, and the
/// object (a Service, or for <c>ERROR</c> a Status, whose message is kept).
/// </summary>
internal sealed record WatchEvent(string Type, WatchObject? Object);

/// <summary>A watch event's object: a Service's fields, or an ERROR's Status fields (<c>code</c>, <c>message</c>).</summary>
internal sealed record WatchObject(ObjectMeta? Metadata, ServiceSpec? Spec, int? Code, string? Message)
{
    /// <summary>The object as a Service.</summary>
    public Service AsService() => new(Metadata, Spec);
}

/// <summary>System.Text.Json source generation for the Kubernetes API's JSON (camelCase), so no reflection runs under NativeAOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ServiceList))]
[JsonSerializable(typeof(WatchEvent))]
internal sealed partial class KubernetesJsonContext : JsonSerializerContext;
