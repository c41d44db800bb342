using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace PgMetrics.Collector.Targets.Kubernetes;

/// <summary>
/// One line of a watch of Services: <c>ADDED</c>, <c>MODIFIED</c>, <c>DELETED</c>, <c>BOOKMARK</c> or <c>ERROR</c>,
/// and its object, kept as JSON because it is a Service for the first four and a Status for <c>ERROR</c>.
/// </summary>
internal sealed record ServiceWatchEvent(string Type, JsonElement Object)
{
    /// <summary>Reads the object as a Service; null when it is not a JSON object.</summary>
    /// <exception cref="JsonException">The object is not a Service.</exception>
    public V1Service? ReadService() => Object.ValueKind == JsonValueKind.Object ? Object.Deserialize(KubernetesJsonContext.Default.V1Service) : null;

    /// <summary>Reads the object as a Status (the <c>ERROR</c> event's, such as 410 Gone); null when it is not a JSON object.</summary>
    /// <exception cref="JsonException">The object is not a Status.</exception>
    public V1Status? ReadStatus() => Object.ValueKind == JsonValueKind.Object ? Object.Deserialize(KubernetesJsonContext.Default.V1Status) : null;
}

/// <summary>
/// System.Text.Json source generation for the official client's models that discovery reads, so no reflection
/// runs under NativeAOT and only these models are kept in the binary (<see cref="KubernetesApi"/> says why not
/// the client's own context). The API's JSON is camelCase, as the models' attributes name it.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(V1ServiceList))]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1Status))]
[JsonSerializable(typeof(ServiceWatchEvent))]
internal sealed partial class KubernetesJsonContext : JsonSerializerContext;
