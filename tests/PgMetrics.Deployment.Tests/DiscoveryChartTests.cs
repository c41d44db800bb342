using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests;

/// <summary>
/// Kubernetes discovery from the chart (<c>discovery</c> values): the receiver, the service account token and
/// the RBAC objects it needs, rendered by the real helm, validated against the upstream Kubernetes schemas
/// (kubernetes-models) and the collector config run through the real <c>pgmetrics validate</c>.
/// </summary>
public sealed class DiscoveryChartTests
{
    [Fact]
    public async Task Discovery_in_listed_namespaces_gets_a_Role_and_RoleBinding_in_each_to_read_Services_and_a_receiver_that_validates()
    {
        var yaml = await RenderedObjects.RenderAsync(RenderedObjects.HelmDiscovery);
        var objects = KubeObject.ParseAll(yaml);

        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap");
        var receivers = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0].Map("receivers")!;
        var receiver = receivers.Map("postgresql/discovered")!;
        Assert.Equal(["postgresql/discovered"], receivers.Keys);
        Assert.Equal(["databases", "analytics"], receiver.Map("discovery")!.Map("kubernetes")!.Texts("namespaces"));
        Assert.Equal("pgmetrics.io/", receiver.Map("discovery")!.Map("kubernetes")!.Text("annotation_prefix"));
        Assert.Equal("30s", receiver.Text("collection_interval"));
        var (pod, container) = RenderedConfigCheck.MountingContainer(objects, configMap);
        Assert.Equal("true", pod.Text("automountServiceAccountToken"));
        var passwordEnv = Assert.Single(container.Maps("env"), e => receiver.Text("password") == "${env:" + e.Text("name") + "}");
        Assert.Equal(("fleet-monitoring", "password"), (passwordEnv.Map("valueFrom")!.Map("secretKeyRef")!.Text("name"), passwordEnv.Map("valueFrom")!.Map("secretKeyRef")!.Text("key")));

        var serviceAccount = Assert.Single(objects, o => o.Kind == "ServiceAccount").Name;
        Assert.Equal(serviceAccount, pod.Text("serviceAccountName"));
        foreach (var ns in new[] { "databases", "analytics" })
        {
            var role = Assert.Single(objects, o => o.Kind == "Role" && o.Map("metadata")!.Text("namespace") == ns);
            var rule = Assert.Single(role.Maps("rules"));
            Assert.Equal([string.Empty], rule.Texts("apiGroups"));
            Assert.Equal(["services"], rule.Texts("resources"));
            Assert.Equal(["get", "list", "watch"], rule.Texts("verbs"));
            var binding = Assert.Single(objects, o => o.Kind == "RoleBinding" && o.Map("metadata")!.Text("namespace") == ns);
            Assert.Equal(("Role", role.Name), (binding.Map("roleRef")!.Text("kind"), binding.Map("roleRef")!.Text("name")));
            var subject = Assert.Single(binding.Maps("subjects"));
            Assert.Equal(("ServiceAccount", serviceAccount, "monitoring"), (subject.Text("kind"), subject.Text("name"), subject.Text("namespace")));
        }

        Assert.DoesNotContain(objects, o => o.Kind is "ClusterRole" or "ClusterRoleBinding");
        var (_, problems) = await KubernetesTools.ValidateAsync(yaml);
        Assert.Empty(problems);
        var validated = await RenderedConfigCheck.ValidateAsync(objects, configMap);
        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.Contains("postgresql/discovered", validated.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_in_all_namespaces_gets_a_ClusterRole_named_after_the_release_namespace_and_lists_no_namespace()
    {
        var yaml = await KubernetesTools.TemplateAsync(null, "discovery.enabled=true", "discovery.allNamespaces=true");
        var objects = KubeObject.ParseAll(yaml);

        var role = Assert.Single(objects, o => o.Kind == "ClusterRole");
        Assert.Contains("monitoring", role.Name, StringComparison.Ordinal);
        Assert.Equal(["get", "list", "watch"], Assert.Single(role.Maps("rules")).Texts("verbs"));
        var binding = Assert.Single(objects, o => o.Kind == "ClusterRoleBinding");
        Assert.Equal(("ClusterRole", role.Name), (binding.Map("roleRef")!.Text("kind"), binding.Map("roleRef")!.Text("name")));
        Assert.DoesNotContain(objects, o => o.Kind is "Role" or "RoleBinding");
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap");
        var kubernetes = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0].Map("receivers")!.Map("postgresql/discovered")!.Map("discovery")!.Map("kubernetes")!;
        Assert.Empty(kubernetes.Texts("namespaces"));

        var (_, problems) = await KubernetesTools.ValidateAsync(yaml);
        Assert.Empty(problems);
        var validated = await RenderedConfigCheck.ValidateAsync(objects, configMap);
        Assert.True(validated.ExitCode == 0, validated.ToString());
    }

    [Fact]
    public async Task The_notes_name_the_discovered_targets_password_in_the_Secret_to_create()
    {
        var result = await KubernetesTools.HelmAsync("install", "pgmetrics", KubernetesTools.ChartFolder, "--dry-run=client", "--namespace", "monitoring", "--set", "targets=null", "--set", "discovery.enabled=true");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("kubectl -n monitoring create secret generic pgmetrics --from-literal=new-relic-license-key=<license key> --from-literal=postgresql-password=<password of pgmetrics on the discovered servers>", result.Output, StringComparison.Ordinal);
        Assert.Contains("scrapes the Services annotated pgmetrics.io/scrape: \"true\" in monitoring", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_discovery_the_pod_holds_no_token_and_the_chart_grants_no_role()
    {
        var objects = await RenderedObjects.ObjectsAsync(RenderedObjects.HelmDefault);

        Assert.DoesNotContain(objects, o => o.Kind.EndsWith("Role", StringComparison.Ordinal) || o.Kind.EndsWith("RoleBinding", StringComparison.Ordinal));
        Assert.Equal("false", Assert.Single(objects, o => o.Kind == "Deployment").PodSpec!.Text("automountServiceAccountToken"));
    }

    [Fact]
    public async Task Without_targets_the_network_policy_opens_only_the_discovered_and_API_server_ports()
    {
        var objects = await RenderedObjects.ObjectsAsync(RenderedObjects.HelmDiscovery);

        var egress = Assert.Single(objects, o => o.Kind == "NetworkPolicy").Map("spec")!.Maps("egress");
        Assert.All(egress, rule => Assert.NotEmpty(rule.Maps("ports")));
        var ports = egress.SelectMany(rule => rule.Maps("ports")).Select(p => p.Text("port")!).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["443", "53", "5432", "6443"], ports);
    }
}
