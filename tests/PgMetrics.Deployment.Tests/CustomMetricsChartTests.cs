using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests;

/// <summary>
/// Custom metric files from the chart (<c>customMetrics</c> values): rendered by the real helm, their ConfigMap,
/// volume and mount checked, and the collector config run through the real <c>pgmetrics validate</c> with the
/// files where the pod would see them.
/// </summary>
public sealed class CustomMetricsChartTests
{
    private const string MountPath = "/etc/pgmetrics-metrics";

    private static string ValuesFile => Path.Combine(KubernetesTools.ChartFolder, "ci", "custom-metrics-values.yaml");

    [Fact]
    public async Task Inline_files_are_kept_in_a_ConfigMap_mounted_read_only_and_named_in_every_postgresql_receiver()
    {
        var objects = await RenderedObjects.ObjectsAsync(RenderedObjects.HelmCustomMetrics);
        var shop = KubeObject.ParseAll(await File.ReadAllTextAsync(ValuesFile, TestContext.Current.CancellationToken))[0].Map("customMetrics")!.Map("files")!.Text("shop.yaml")!;

        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap" && o.Map("data")?.Text(RenderedConfigCheck.ConfigKey) is not null);
        var metrics = Assert.Single(objects, o => o.Kind == "ConfigMap" && o != configMap);
        Assert.Equal(shop, metrics.Map("data")!.Text("shop.yaml"));
        var (pod, container) = RenderedConfigCheck.MountingContainer(objects, configMap);
        var mount = Assert.Single(container.Maps("volumeMounts"), m => m.Text("mountPath") == MountPath);
        Assert.True(mount.Flag("readOnly"));
        var source = Assert.Single(Assert.Single(pod.Maps("volumes"), v => v.Text("name") == mount.Text("name")).Map("projected")!.Maps("sources"));
        Assert.Equal(metrics.Name, source.Map("configMap")!.Text("name"));
        Assert.Equal(["shop.yaml"], source.Map("configMap")!.Maps("items").Select(i => i.Text("path")));

        var receivers = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0].Map("receivers")!;
        Assert.Equal(["postgresql/orders", "postgresql/orders-replica"], receivers.Keys.Order(StringComparer.Ordinal));
        Assert.All(receivers.Keys, name => Assert.Equal([$"{MountPath}/shop.yaml"], receivers.Map(name)!.Texts("metadata_files")));

        var validated = await RenderedConfigCheck.ValidateAsync(objects, configMap);
        Assert.True(validated.ExitCode == 0, validated.ToString());
    }

    [Fact]
    public async Task A_changed_inline_file_changes_the_pod_template_so_the_pod_rolls()
    {
        var before = await PodAnnotationsAsync("customMetrics.files.shop\\.yaml=type: shop");
        var after = await PodAnnotationsAsync("customMetrics.files.shop\\.yaml=type: shop2");
        var without = await PodAnnotationsAsync();

        Assert.NotEqual(before.Text("checksum/custom-metrics"), after.Text("checksum/custom-metrics"));
        Assert.Equal(before.Text("checksum/config"), after.Text("checksum/config"));
        Assert.False(without.Has("checksum/custom-metrics"));
    }

    [Fact]
    public async Task The_files_pgmetrics_validate_reads_are_the_mounted_ones_so_a_broken_file_fails_naming_its_mounted_path()
    {
        var objects = KubeObject.ParseAll(await KubernetesTools.TemplateAsync(ValuesFile, "customMetrics.files.shop\\.yaml=type: shop\nmetrics:\n  shop.orders:\n    enabled: true\n"));
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap" && o.Map("data")?.Text(RenderedConfigCheck.ConfigKey) is not null);

        var validated = await RenderedConfigCheck.ValidateAsync(objects, configMap);

        Assert.NotEqual(0, validated.ExitCode);
        Assert.Contains("shop.yaml(", validated.ToString(), StringComparison.Ordinal);
        Assert.Contains("error PGM", validated.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_of_an_existing_ConfigMap_are_projected_beside_the_inline_ones_and_pass_pgmetrics_validate()
    {
        var objects = KubeObject.ParseAll(await KubernetesTools.TemplateAsync(ValuesFile, "customMetrics.existingConfigMap=team-metrics", "customMetrics.fileNames={billing.yaml}"));
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap" && o.Map("data")?.Text(RenderedConfigCheck.ConfigKey) is not null);
        var shop = Assert.Single(objects, o => o.Kind == "ConfigMap" && o != configMap).Map("data")!.Text("shop.yaml")!;

        var (pod, container) = RenderedConfigCheck.MountingContainer(objects, configMap);
        var mount = Assert.Single(container.Maps("volumeMounts"), m => m.Text("mountPath") == MountPath);
        var sources = Assert.Single(pod.Maps("volumes"), v => v.Text("name") == mount.Text("name")).Map("projected")!.Maps("sources");
        var existing = Assert.Single(sources, s => s.Map("configMap")!.Text("name") == "team-metrics").Map("configMap")!;
        Assert.Equal(["billing.yaml"], existing.Maps("items").Select(i => i.Text("key")));
        var receivers = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0].Map("receivers")!;
        Assert.All(receivers.Keys, name => Assert.Equal([$"{MountPath}/shop.yaml", $"{MountPath}/billing.yaml"], receivers.Map(name)!.Texts("metadata_files")));

        // The team's file is the shop's under other names, as a user would create it with kubectl.
        var billing = shop.Replace("shop", "billing", StringComparison.Ordinal).Replace("orders", "invoices", StringComparison.Ordinal).Replace("revenue", "turnover", StringComparison.Ordinal);
        var validated = await RenderedConfigCheck.ValidateAsync(objects, configMap, new Dictionary<string, IReadOnlyDictionary<string, string>> { ["team-metrics"] = new Dictionary<string, string> { ["billing.yaml"] = billing } });
        Assert.True(validated.ExitCode == 0, validated.ToString());

        // The same names as the shop's file clash: proof that validate read both files.
        var clash = await RenderedConfigCheck.ValidateAsync(objects, configMap, new Dictionary<string, IReadOnlyDictionary<string, string>> { ["team-metrics"] = new Dictionary<string, string> { ["billing.yaml"] = shop } });
        Assert.NotEqual(0, clash.ExitCode);
        Assert.Contains("PGM005", clash.ToString(), StringComparison.Ordinal);
    }

    private static async Task<KubeObject> PodAnnotationsAsync(params string[] sets)
    {
        var deployment = Assert.Single(KubeObject.ParseAll(await KubernetesTools.TemplateAsync(null, sets)), o => o.Kind == "Deployment");
        return deployment.Map("spec")!.Map("template")!.Map("metadata")!.Map("annotations")!;
    }
}
