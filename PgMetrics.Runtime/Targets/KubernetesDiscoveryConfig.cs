using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Runtime.Targets;

/// <summary>
/// <c>discovery: {kubernetes: {namespaces, annotation_prefix, api_server}}</c> on a postgresql receiver: its
/// targets are the Services that carry <c>&lt;prefix&gt;scrape: "true"</c>, found and followed with the
/// official Kubernetes client (list, then watch). The receiver block's keys are every target's defaults.
/// </summary>
internal sealed record KubernetesDiscoveryConfig
{
    /// <summary>The keys of the <c>kubernetes</c> block.</summary>
    public static readonly string[] Keys = ["namespaces", "annotation_prefix", "api_server"];

    /// <summary>Namespaces to look in; empty means every namespace the service account may list.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>The annotations' prefix: <c>&lt;prefix&gt;scrape</c>, <c>&lt;prefix&gt;port</c>, <c>&lt;prefix&gt;databases</c>. Default <c>pgmetrics.io/</c>.</summary>
    public string AnnotationPrefix { get; init; } = "pgmetrics.io/";

    /// <summary>The API server's URL; null means the in-cluster service account (the usual case in a pod).</summary>
    public Uri? ApiServer { get; init; }

    /// <summary>Reads <c>discovery:</c>; null when it has no <c>kubernetes</c> block.</summary>
    public static KubernetesDiscoveryConfig? Read(ConfigSection discovery)
    {
        if (!discovery.Has("kubernetes"))
        {
            return null;
        }

        var kubernetes = discovery.Section("kubernetes", Keys);
        var defaults = new KubernetesDiscoveryConfig();
        var config = new KubernetesDiscoveryConfig
        {
            Namespaces = kubernetes.TextList("namespaces"),
            AnnotationPrefix = kubernetes.Text("annotation_prefix") ?? defaults.AnnotationPrefix,
            ApiServer = kubernetes.Url("api_server"),
        };

        // In a pod the client finds the API server by these, as kubectl and client-go do.
        if (config.ApiServer is null && !kubernetes.Has("api_server") && string.IsNullOrEmpty(kubernetes.Environment("KUBERNETES_SERVICE_HOST")))
        {
            kubernetes.Errors.Add(kubernetes.Path, "not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set); run in a cluster or set api_server");
        }

        return config;
    }

    /// <summary>Compares values, lists by content, so a reload that keeps the block keeps its watch.</summary>
    public bool Equals(KubernetesDiscoveryConfig? other)
        => other is not null && Namespaces.SequenceEqual(other.Namespaces) && AnnotationPrefix == other.AnnotationPrefix && ApiServer == other.ApiServer;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(AnnotationPrefix, ApiServer);
}
