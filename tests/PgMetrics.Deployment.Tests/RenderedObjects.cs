using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests;

/// <summary>Every way the deployment files render: the Helm chart (default, full, sharded, PgBouncer, custom metrics and discovery values) and the kustomizations.</summary>
public static class RenderedObjects
{
    public const string HelmDefault = "helm chart, default values";
    public const string HelmFull = "helm chart, ci/full-values.yaml";
    public const string HelmSharded = "helm chart, ci/sharded-values.yaml";
    public const string HelmPgbouncer = "helm chart, ci/pgbouncer-values.yaml";
    public const string HelmCustomMetrics = "helm chart, ci/custom-metrics-values.yaml";
    public const string HelmDiscovery = "helm chart, ci/discovery-values.yaml";
    public const string Kustomize = "deploy/kubernetes";
    public const string Sidecar = "deploy/kubernetes/examples/sidecar";
    public const string PgbouncerSidecar = "deploy/kubernetes/examples/pgbouncer-sidecar";

    public static TheoryData<string> Sources { get; } = [HelmDefault, HelmFull, HelmSharded, HelmPgbouncer, HelmCustomMetrics, HelmDiscovery, Kustomize, Sidecar, PgbouncerSidecar];

    public static Task<string> RenderAsync(string source) => source switch
    {
        HelmDefault => KubernetesTools.TemplateAsync(),
        HelmFull => KubernetesTools.TemplateAsync(Path.Combine(KubernetesTools.ChartFolder, "ci", "full-values.yaml")),
        HelmSharded => KubernetesTools.TemplateAsync(Path.Combine(KubernetesTools.ChartFolder, "ci", "sharded-values.yaml")),
        HelmPgbouncer => KubernetesTools.TemplateAsync(Path.Combine(KubernetesTools.ChartFolder, "ci", "pgbouncer-values.yaml")),
        HelmCustomMetrics => KubernetesTools.TemplateAsync(Path.Combine(KubernetesTools.ChartFolder, "ci", "custom-metrics-values.yaml")),
        HelmDiscovery => KubernetesTools.TemplateAsync(Path.Combine(KubernetesTools.ChartFolder, "ci", "discovery-values.yaml")),
        _ => KubernetesTools.KustomizeAsync(source),
    };

    public static async Task<IReadOnlyList<KubeObject>> ObjectsAsync(string source) => KubeObject.ParseAll(await RenderAsync(source));
}
