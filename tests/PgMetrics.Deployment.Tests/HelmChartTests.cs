using System.Text.Json;
using System.Text.RegularExpressions;
using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests;

/// <summary>The Helm chart, with helm v4 itself: lint, the values schema, NOTES.txt and the README's values table.</summary>
public sealed partial class HelmChartTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("ci/full-values.yaml")]
    [InlineData("ci/sharded-values.yaml")]
    [InlineData("ci/pgbouncer-values.yaml")]
    [InlineData("ci/custom-metrics-values.yaml")]
    [InlineData("ci/discovery-values.yaml")]
    public async Task Helm_lint_strict_passes(string? valuesFile)
    {
        var arguments = new List<string> { "lint", "--strict", KubernetesTools.ChartFolder };
        if (valuesFile is not null)
        {
            arguments.AddRange(["--values", Path.Combine(KubernetesTools.ChartFolder, valuesFile)]);
        }

        var result = await KubernetesTools.HelmAsync([.. arguments]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0 chart(s) failed", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("newRelic.region=Mars", "/newRelic/region")]
    [InlineData("newRelic.compression=brotli", "/newRelic/compression")]
    [InlineData("targets[0].endpoint=postgresql", "/targets/0/endpoint")]
    [InlineData("targets[0].collectionInterval=soon", "/targets/0/collectionInterval")]
    [InlineData("logs.level=verbose", "/logs/level")]
    [InlineData("pgbouncers[0].endpoint=pgbouncer", "/pgbouncers/0/endpoint")]
    [InlineData("pgbouncers[0].endpoint=pgbouncer:6432", "'/pgbouncers/0': missing property 'username'")]
    [InlineData("replicas=2", "additional properties 'replicas'")]
    [InlineData("shards=0", "/shards")]
    [InlineData("memoryLimiter.limitMib=-1", "/memoryLimiter/limitMib")]
    [InlineData("customMetrics.files.shop/orders\\.yaml=x", "/customMetrics/files")]
    [InlineData("targets=null", "targets: empty, and neither pgbouncers nor discovery.enabled")]
    [InlineData("discovery.namespaces={Databases}", "/discovery/namespaces/0")]
    [InlineData("customMetrics.existingConfigMap=team-metrics", "customMetrics.fileNames: list the files")]
    [InlineData("customMetrics.fileNames={shop.yaml}", "customMetrics.fileNames: they name files of customMetrics.existingConfigMap")]
    [InlineData("shards=2,persistence.enabled=true,persistence.existingClaim=spool", "persistence.existingClaim: shards > 1")]
    public async Task The_values_schema_rejects_a_mistake_and_names_where_it_is(string set, string named)
    {
        var result = await KubernetesTools.HelmAsync(KubernetesTools.TemplateArguments(null, set));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(named, result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shards_render_a_StatefulSet_whose_pods_take_their_index_from_their_name_with_a_spool_claim_each()
    {
        var sharded = KubeObject.ParseAll(await KubernetesTools.TemplateAsync(Path.Combine(KubernetesTools.ChartFolder, "ci", "sharded-values.yaml")));
        var single = KubeObject.ParseAll(await KubernetesTools.TemplateAsync());

        Assert.DoesNotContain(sharded, o => o.Kind is "Deployment" or "PersistentVolumeClaim");
        var statefulSet = Assert.Single(sharded, o => o.Kind == "StatefulSet");
        var spec = statefulSet.Map("spec")!;
        Assert.Equal(("3", "Parallel"), (spec.Text("replicas"), spec.Text("podManagementPolicy")));
        Assert.Equal("spool", Assert.Single(spec.Maps("volumeClaimTemplates")).Map("metadata")!.Text("name"));
        var headless = Assert.Single(sharded, o => o.Kind == "Service");
        Assert.Equal((spec.Text("serviceName"), "None"), (headless.Map("metadata")!.Text("name"), headless.Map("spec")!.Text("clusterIP")));
        var container = Assert.Single(statefulSet.PodSpec!.AllContainers);
        var podName = Assert.Single(container.Maps("env"), e => e.Text("name") == "POD_NAME");
        Assert.Equal("metadata.name", podName.Map("valueFrom")!.Map("fieldRef")!.Text("fieldPath"));
        var config = KubeObject.ParseAll(Assert.Single(sharded, o => o.Kind == "ConfigMap").Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0];
        var sharding = config.Map("service")!.Map("sharding")!;
        Assert.Equal("3", sharding.Text("count"));
        Assert.Null(sharding.Text("index"));
        Assert.Equal("150", config.Map("service")!.Map("memory_limiter")!.Text("limit_mib"));

        // One shard is the single collector it always was.
        Assert.Single(single, o => o.Kind == "Deployment");
        Assert.DoesNotContain(single, o => o.Kind is "StatefulSet" or "Service");
        var singleConfig = KubeObject.ParseAll(Assert.Single(single, o => o.Kind == "ConfigMap").Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0];
        Assert.Null(singleConfig.Map("service")!.Map("sharding"));
    }

    [Fact]
    public async Task The_memory_limiter_is_on_at_the_charts_default_and_off_at_zero()
    {
        static async Task<KubeObject?> LimiterAsync(params string[] sets)
        {
            var objects = KubeObject.ParseAll(await KubernetesTools.TemplateAsync(null, sets));
            var config = KubeObject.ParseAll(Assert.Single(objects, o => o.Kind == "ConfigMap").Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0];
            return config.Map("service")!.Map("memory_limiter");
        }

        Assert.Equal("150", (await LimiterAsync())!.Text("limit_mib"));
        Assert.Equal("400", (await LimiterAsync("memoryLimiter.limitMib=400"))!.Text("limit_mib"));
        Assert.Null(await LimiterAsync("memoryLimiter.limitMib=0"));
    }

    [Fact]
    public async Task A_region_without_built_in_networks_asks_for_them_when_the_network_policy_is_on()
    {
        var refused = await KubernetesTools.HelmAsync(KubernetesTools.TemplateArguments(null, "newRelic.region=FedRAMP"));
        var withNetworks = await KubernetesTools.HelmAsync(KubernetesTools.TemplateArguments(null, "newRelic.region=FedRAMP", "networkPolicy.newRelicCidrs={192.0.2.0/24}"));

        Assert.Contains("networkPolicy.newRelicCidrs", refused.Errors, StringComparison.Ordinal);
        Assert.True(withNetworks.ExitCode == 0, withNetworks.ToString());
        Assert.Contains("cidr: 192.0.2.0/24", withNetworks.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_license_key_given_as_a_value_is_kept_in_a_Secret_and_never_in_the_config()
    {
        var objects = KubeObject.ParseAll(await KubernetesTools.TemplateAsync(null, "newRelic.licenseKey=nr-chart-secret-key", "targets[0].endpoint=db:5432", "targets[0].username=pgmetrics", "targets[0].password=db-chart-secret"));

        var secret = Assert.Single(objects, o => o.Kind == "Secret");
        Assert.Equal(Convert.ToBase64String("nr-chart-secret-key"u8), secret.Map("data")!.Text("new-relic-license-key"));
        Assert.Equal(Convert.ToBase64String("db-chart-secret"u8), secret.Map("data")!.Text("postgresql-password-0"));
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap");
        Assert.DoesNotContain("secret", configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_notes_say_which_Secret_to_create_when_the_chart_creates_none()
    {
        var result = await KubernetesTools.HelmAsync("install", "pgmetrics", KubernetesTools.ChartFolder, "--dry-run=client", "--namespace", "monitoring");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("kubectl -n monitoring create secret generic pgmetrics --from-literal=new-relic-license-key=<license key> --from-literal=postgresql-password=<password of pgmetrics>", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_README_values_table_describes_every_value_and_no_other()
    {
        var values = KubeObject.ParseAll(await File.ReadAllTextAsync(Path.Combine(KubernetesTools.ChartFolder, "values.yaml"), TestContext.Current.CancellationToken))[0];
        var readme = await File.ReadAllTextAsync(Path.Combine(KubernetesTools.ChartFolder, "README.md"), TestContext.Current.CancellationToken);
        using var schema = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(KubernetesTools.ChartFolder, "values.schema.json"), TestContext.Current.CancellationToken));

        var documented = ValuesTableKey().Matches(readme).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var declared = Leaves(values, string.Empty, schema.RootElement).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(declared.Except(documented));
        Assert.Empty(documented.Except(declared));
    }

    // A value is documented where it is a leaf, or a map or list users fill as a whole.
    private static IEnumerable<string> Leaves(KubeObject node, string prefix, JsonElement schema)
    {
        foreach (var key in node.Keys)
        {
            var path = prefix + key;
            var child = node.Map(key);
            if (child is not null && child.Keys.Any() && !FreeForm.Contains(path))
            {
                foreach (var leaf in Leaves(child, path + ".", schema))
                {
                    yield return leaf;
                }
            }
            else if (schema.GetProperty("properties").TryGetProperty(path, out var declaration) && declaration.TryGetProperty("items", out var items) && items.TryGetProperty("properties", out _))
            {
                // A list of entries (targets, pgbouncers) is documented per key of an entry, as the schema declares them.
                foreach (var leaf in SchemaLeaves(items, path + "[]."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    private static IEnumerable<string> SchemaLeaves(JsonElement node, string prefix)
    {
        foreach (var property in node.GetProperty("properties").EnumerateObject())
        {
            if (property.Value.TryGetProperty("properties", out _))
            {
                foreach (var leaf in SchemaLeaves(property.Value, prefix + property.Name + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return prefix + property.Name;
            }
        }
    }

    private static readonly HashSet<string> FreeForm = ["resources", "podSecurityContext", "securityContext", "networkPolicy.dns"];

    [GeneratedRegex(@"^\| `([^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ValuesTableKey();
}
