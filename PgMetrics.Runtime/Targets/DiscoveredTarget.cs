namespace PgMetrics.Runtime.Targets;

/// <summary>A target found by discovery: where it is, and what the Service says about it.</summary>
/// <param name="Endpoint"><c>name.namespace.svc:port</c>, the target's identity.</param>
/// <param name="Databases">Databases from the <c>databases</c> annotation (comma-separated); empty means the list's default.</param>
/// <param name="Attributes">Resource attributes: <c>k8s.namespace.name</c> and <c>k8s.service.name</c>.</param>
/// <param name="Source">The Service, <c>namespace/name</c>, for messages.</param>
internal sealed record DiscoveredTarget(string Endpoint, IReadOnlyList<string> Databases, IReadOnlyDictionary<string, string> Attributes, string Source);
