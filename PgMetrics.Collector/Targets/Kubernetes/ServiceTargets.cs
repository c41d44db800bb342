using System.Globalization;
using k8s.Models;
using PgMetrics.Runtime.Targets;

namespace PgMetrics.Collector.Targets.Kubernetes;

/// <summary>
/// Which Services are targets, and how: a Service annotated <c>&lt;prefix&gt;scrape: "true"</c> is scraped at
/// <c>name.namespace.svc:port</c>, the port from <c>&lt;prefix&gt;port</c>, else the Service's port named
/// <c>postgres</c> or <c>postgresql</c>, else its only or first port. <c>&lt;prefix&gt;databases</c> (comma-separated)
/// chooses databases. The target carries <c>k8s.namespace.name</c> and <c>k8s.service.name</c>, the
/// OpenTelemetry semantic conventions' names.
/// </summary>
internal static class ServiceTargets
{
    /// <summary>The target a Service describes, or null when it is not annotated for scraping or names no port.</summary>
    public static DiscoveredTarget? From(V1Service service, string annotationPrefix)
    {
        var annotations = service.Metadata?.Annotations ?? new Dictionary<string, string>();
        if (service.Metadata?.Name is not { Length: > 0 } name)
        {
            return null;
        }

        if (!annotations.TryGetValue(annotationPrefix + "scrape", out var scrape) || !string.Equals(scrape, "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var @namespace = service.Metadata.NamespaceProperty ?? "default";
        if (Port(service, annotations, annotationPrefix) is not { } port)
        {
            return null;
        }

        var databases = annotations.TryGetValue(annotationPrefix + "databases", out var list)
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["k8s.namespace.name"] = @namespace,
            ["k8s.service.name"] = name,
        };
        return new DiscoveredTarget($"{name}.{@namespace}.svc:{port}", databases, attributes, $"{@namespace}/{name}");
    }

    private static int? Port(V1Service service, IDictionary<string, string> annotations, string prefix)
    {
        if (annotations.TryGetValue(prefix + "port", out var text))
        {
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var annotated) && annotated is > 0 and < 65536 ? annotated : null;
        }

        var ports = service.Spec?.Ports ?? [];
        var named = ports.FirstOrDefault(p => p.Name is "postgres" or "postgresql") ?? ports.FirstOrDefault();
        return named is { Port: > 0 } ? named.Port : null;
    }
}
