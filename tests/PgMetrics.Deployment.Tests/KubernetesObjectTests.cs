using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests;

/// <summary>What the chart and the manifests render, checked against the Kubernetes schemas, the restricted Pod Security Standard and the collector itself.</summary>
public sealed class KubernetesObjectTests
{
    [Theory]
    [MemberData(nameof(RenderedObjects.Sources), MemberType = typeof(RenderedObjects))]
    public async Task Every_rendered_object_matches_the_upstream_Kubernetes_schema_with_no_unknown_field(string source)
    {
        var yaml = await RenderedObjects.RenderAsync(source);
        var objects = KubeObject.ParseAll(yaml);

        var (valid, problems) = await KubernetesTools.ValidateAsync(yaml);

        Assert.Empty(problems);
        Assert.Equal(objects.Select(o => o.ToString()).Order(StringComparer.Ordinal), valid.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_schema_check_names_an_unknown_field_and_a_wrong_type()
    {
        var deployment = (await RenderedObjects.RenderAsync(RenderedObjects.Kustomize))
            .Replace("readOnlyRootFilesystem: true", "readOnlyRootFilesytem: true", StringComparison.Ordinal)
            .Replace("containerPort: 13133", "containerPort: health", StringComparison.Ordinal);

        var (_, problems) = await KubernetesTools.ValidateAsync(deployment);

        Assert.Contains(problems, p => p.StartsWith("Deployment/pgmetrics:", StringComparison.Ordinal) && p.Contains("must be integer", StringComparison.Ordinal));
        var typo = deployment.Replace("containerPort: health", "containerPort: 13133", StringComparison.Ordinal);
        (_, problems) = await KubernetesTools.ValidateAsync(typo);
        Assert.Contains(problems, p => p.StartsWith("Deployment/pgmetrics:", StringComparison.Ordinal) && p.Contains("readOnlyRootFilesytem", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RenderedObjects.Sources), MemberType = typeof(RenderedObjects))]
    public async Task Every_pod_meets_the_restricted_Pod_Security_Standard_on_a_read_only_root(string source)
    {
        var pods = (await RenderedObjects.ObjectsAsync(source)).Where(o => o.PodSpec is not null).ToList();

        Assert.NotEmpty(pods);
        foreach (var workload in pods)
        {
            Assert.Equal([], PodSecurityStandard.RestrictedViolations(workload.PodSpec!).Select(v => $"{workload}: {v}"));
            // Only Kubernetes discovery holds a token: it lists and watches Services.
            Assert.Equal(source == RenderedObjects.HelmDiscovery ? "true" : "false", workload.PodSpec!.Text("automountServiceAccountToken"));
            Assert.All(workload.PodSpec.AllContainers, c => Assert.True(c.Map("securityContext")?.Flag("readOnlyRootFilesystem") == true, $"{workload}: container {c.Text("name")} must have a read-only root"));
        }
    }

    [Fact]
    public void The_Pod_Security_Standard_check_names_each_field_that_breaks_it()
    {
        var pod = KubeObject.ParseAll("""
            hostNetwork: true
            securityContext: {seccompProfile: {type: Unconfined}}
            volumes: [{name: host, hostPath: {path: /var/run}}]
            containers:
              - name: collector
                ports: [{containerPort: 13133, hostPort: 13133}]
                securityContext: {allowPrivilegeEscalation: true, runAsUser: 0, capabilities: {add: [SYS_ADMIN]}}
            """)[0];

        var violations = PodSecurityStandard.RestrictedViolations(pod);

        foreach (var expected in new[] { "spec.hostNetwork", "volumes[host]: type hostPath", "spec.securityContext.seccompProfile.type", "hostPort", "allowPrivilegeEscalation", "runAsNonRoot", "runAsUser must not be 0", "drop must include ALL", "not SYS_ADMIN" })
        {
            Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(RenderedObjects.Sources), MemberType = typeof(RenderedObjects))]
    public async Task The_rendered_collector_config_passes_pgmetrics_validate_with_the_pods_environment_and_volumes(string source)
    {
        var objects = await RenderedObjects.ObjectsAsync(source);
        var configMaps = objects.Where(o => o.Kind == "ConfigMap" && o.Map("data")?.Text(RenderedConfigCheck.ConfigKey) is not null).ToList();

        Assert.NotEmpty(configMaps);
        foreach (var configMap in configMaps)
        {
            var result = await RenderedConfigCheck.ValidateAsync(objects, configMap);
            Assert.True(result.ExitCode == 0, $"{configMap}: {result}");
            Assert.Contains("valid; receivers:", result.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(RenderedObjects.Sources), MemberType = typeof(RenderedObjects))]
    public async Task The_probes_reach_the_health_endpoint_the_config_opens_on_every_interface(string source)
    {
        var objects = await RenderedObjects.ObjectsAsync(source);
        foreach (var configMap in objects.Where(o => o.Kind == "ConfigMap" && o.Map("data")?.Text(RenderedConfigCheck.ConfigKey) is not null))
        {
            var (pod, container) = RenderedConfigCheck.MountingContainer(objects, configMap);
            var health = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0].Map("service")!.Map("telemetry")!.Map("health")!.Text("endpoint")!;
            var port = container.Maps("ports").Single(p => p.Text("name") == "health").Text("containerPort");

            Assert.Equal($"0.0.0.0:{port}", health);
            Assert.Equal("/healthz", container.Map("livenessProbe")?.Map("httpGet")?.Text("path"));
            Assert.Equal("health", container.Map("livenessProbe")?.Map("httpGet")?.Text("port"));
            // A sidecar is ready once it answers: /readyz fails while an export fails, which must not take the
            // pod's PostgreSQL or PgBouncer out of its Service. Alone in its pod, the collector is ready on /readyz.
            var sidecar = pod.AllContainers.Count() > 1;
            Assert.Equal(sidecar ? "/healthz" : "/readyz", container.Map("readinessProbe")?.Map("httpGet")?.Text("path"));
            Assert.Equal("health", container.Map("readinessProbe")?.Map("httpGet")?.Text("port"));
        }
    }

    [Theory]
    [MemberData(nameof(RenderedObjects.Sources), MemberType = typeof(RenderedObjects))]
    public async Task Every_container_of_every_rendered_pod_has_liveness_and_readiness_probes_resource_requests_and_a_memory_limit(string source)
    {
        var pods = (await RenderedObjects.ObjectsAsync(source)).Where(o => o.PodSpec is not null).ToList();

        Assert.NotEmpty(pods);
        var gaps = pods.SelectMany(pod => pod.PodSpec!.AllContainers.SelectMany(c => ContainerGaps(c).Select(gap => $"{pod}: container {c.Text("name")}: {gap}"))).ToList();
        Assert.True(gaps.Count == 0, string.Join("\n", gaps));
    }

    [Fact]
    public void The_container_check_names_each_missing_probe_request_and_limit()
    {
        var container = KubeObject.ParseAll("""
            name: pgbouncer
            readinessProbe: {tcpSocket: {port: 6432}}
            resources: {requests: {memory: 32Mi}}
            """)[0];

        Assert.Equal(["no livenessProbe", "no resources.requests.cpu", "no resources.limits.memory"], ContainerGaps(container));
    }

    /// <summary>
    /// What a container lacks of what every rendered container has: both probes, a CPU and a memory request, and a
    /// memory limit (no CPU limit: a scrape is a short burst, which a CPU limit would only stretch; docs/deployment.md, "Sizing").
    /// </summary>
    private static IEnumerable<string> ContainerGaps(KubeObject container)
    {
        foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
        {
            if (container.Map(probe) is null)
            {
                yield return "no " + probe;
            }
        }

        foreach (var (section, resource) in new[] { ("requests", "cpu"), ("requests", "memory"), ("limits", "memory") })
        {
            if (container.Map("resources")?.Map(section)?.Text(resource) is not { Length: > 0 })
            {
                yield return $"no resources.{section}.{resource}";
            }
        }
    }

    [Theory]
    [InlineData(RenderedObjects.HelmDefault)]
    [InlineData(RenderedObjects.HelmFull)]
    [InlineData(RenderedObjects.HelmPgbouncer)]
    [InlineData(RenderedObjects.Kustomize)]
    public async Task The_collector_may_reach_only_DNS_its_PostgreSQL_and_PgBouncer_ports_and_New_Relic_over_HTTPS(string source)
    {
        var objects = await RenderedObjects.ObjectsAsync(source);
        var policy = Assert.Single(objects, o => o.Kind == "NetworkPolicy");
        var deployment = Assert.Single(objects, o => o.Kind == "Deployment");
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap");
        var config = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0];
        var targetPorts = config.Map("receivers")!.Keys.Select(r => config.Map("receivers")!.Map(r)!.Text("endpoint")!.Split(':')[^1]).ToHashSet();
        var spec = policy.Map("spec")!;

        Assert.Equal(["Ingress", "Egress"], spec.Texts("policyTypes"));
        var podLabels = deployment.Map("spec")!.Map("template")!.Map("metadata")!.Map("labels")!;
        var selector = spec.Map("podSelector")!.Map("matchLabels")!;
        Assert.All(selector.Keys, key => Assert.Equal(selector.Text(key), podLabels.Text(key)));
        var ports = spec.Maps("egress").SelectMany(rule => rule.Maps("ports")).Select(p => p.Text("port")!).ToHashSet();
        Assert.Equal(targetPorts.Append("53").Append("443").Concat(source == RenderedObjects.HelmFull ? ["3128"] : []).ToHashSet(), ports);
        var newRelicRule = Assert.Single(spec.Maps("egress"), rule => rule.Maps("ports").Any(p => p.Text("port") == "443"));
        Assert.All(newRelicRule.Maps("to"), peer => Assert.NotNull(peer.Map("ipBlock")));
    }

    [Fact]
    public async Task The_packaged_chart_runs_the_image_of_the_version_being_built()
    {
        var package = KubernetesTools.ChartPackage;
        var chart = KubeObject.ParseAll((await KubernetesTools.HelmAsync("show", "chart", package)).Output)[0];
        Assert.Equal(Repository.Version, chart.Text("appVersion"));
        Assert.Equal(Repository.Version, chart.Text("version"));
        var images = KubeObject.ParseAll(await KubernetesTools.TemplateChartAsync(package)).Select(o => o.PodSpec).OfType<KubeObject>().SelectMany(p => p.AllContainers).Select(c => c.Text("image")!);
        Assert.Contains($"pgmetrics:{Repository.Version}", images);
    }

    [Fact]
    public async Task The_chart_and_the_manifests_in_the_repository_run_the_same_release()
    {
        var chart = KubeObject.ParseAll(await File.ReadAllTextAsync(Path.Combine(KubernetesTools.ChartFolder, "Chart.yaml"), TestContext.Current.CancellationToken))[0];
        var release = chart.Text("appVersion")!;
        Assert.Equal(release, chart.Text("version"));
        foreach (var source in new[] { RenderedObjects.HelmDefault, RenderedObjects.Kustomize, RenderedObjects.Sidecar, RenderedObjects.PgbouncerSidecar })
        {
            var images = (await RenderedObjects.ObjectsAsync(source)).Select(o => o.PodSpec).OfType<KubeObject>().SelectMany(p => p.AllContainers).Select(c => c.Text("image")!);
            Assert.Contains($"pgmetrics:{release}", images);
        }
    }
}
