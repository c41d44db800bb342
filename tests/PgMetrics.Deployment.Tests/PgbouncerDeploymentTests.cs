using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests;

/// <summary>
/// The collector beside PgBouncer: the chart's <c>pgbouncers</c> values and the sidecar example, rendered by
/// the real helm and kubectl, their collector configs checked by the real <c>pgmetrics validate</c>.
/// </summary>
public sealed class PgbouncerDeploymentTests
{
    [Fact]
    public async Task A_PgBouncer_password_given_as_a_value_reaches_the_receiver_only_through_a_Secret_and_an_environment_variable()
    {
        var objects = KubeObject.ParseAll(await KubernetesTools.TemplateAsync(null, "pgbouncers[0].endpoint=pgbouncer.databases.svc:6432", "pgbouncers[0].username=pgmetrics_stats", "pgbouncers[0].password=bouncer-chart-secret", "pgbouncers[0].tls.insecure=true"));

        var secret = Assert.Single(objects, o => o.Kind == "Secret");
        Assert.Equal(Convert.ToBase64String("bouncer-chart-secret"u8), secret.Map("data")!.Text("pgbouncer-password-0"));
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap");
        var configText = configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!;
        Assert.DoesNotContain("bouncer-chart-secret", configText, StringComparison.Ordinal);
        var receiver = KubeObject.ParseAll(configText)[0].Map("receivers")!.Map("pgbouncer")!;
        Assert.Equal("pgbouncer.databases.svc:6432", receiver.Text("endpoint"));
        Assert.Equal("pgmetrics_stats", receiver.Text("username"));
        var (_, container) = RenderedConfigCheck.MountingContainer(objects, configMap);
        var passwordEnv = Assert.Single(container.Maps("env"), e => receiver.Text("password") == "${env:" + e.Text("name") + "}");
        var reference = passwordEnv.Map("valueFrom")!.Map("secretKeyRef")!;
        Assert.Equal((secret.Name, "pgbouncer-password-0"), (reference.Text("name"), reference.Text("key")));

        var validated = await RenderedConfigCheck.ValidateAsync(objects, configMap);
        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.Contains("receivers: pgbouncer, postgresql;", validated.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PgBouncer_password_in_an_existing_Secret_is_read_from_it_and_the_chart_creates_no_Secret_for_it()
    {
        var objects = KubeObject.ParseAll(await KubernetesTools.TemplateAsync(Path.Combine(KubernetesTools.ChartFolder, "ci", "pgbouncer-values.yaml")));

        Assert.DoesNotContain(objects, o => o.Kind == "Secret");
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap");
        var (_, container) = RenderedConfigCheck.MountingContainer(objects, configMap);
        var receiver = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0].Map("receivers")!.Map("pgbouncer")!;
        var passwordEnv = Assert.Single(container.Maps("env"), e => receiver.Text("password") == "${env:" + e.Text("name") + "}");
        var reference = passwordEnv.Map("valueFrom")!.Map("secretKeyRef")!;
        Assert.Equal(("pgbouncer-monitoring", "stats-password"), (reference.Text("name"), reference.Text("key")));
    }

    [Fact]
    public async Task Each_pgbouncers_entry_becomes_a_named_pgbouncer_receiver_with_its_CA_mounted_that_pgmetrics_validate_accepts()
    {
        var objects = await RenderedObjects.ObjectsAsync(RenderedObjects.HelmFull);
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap");
        var receivers = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0].Map("receivers")!;
        var (pod, container) = RenderedConfigCheck.MountingContainer(objects, configMap);

        var orders = receivers.Map("pgbouncer/orders")!;
        Assert.Equal("orders-pgbouncer.databases.svc.cluster.local:6432", orders.Text("endpoint"));
        Assert.Equal("30s", orders.Text("collection_interval"));
        var caFile = orders.Map("tls")!.Text("ca_file")!;
        var mount = Assert.Single(container.Maps("volumeMounts"), m => caFile == m.Text("mountPath") + "/tls.crt");
        var volume = Assert.Single(pod.Maps("volumes"), v => v.Text("name") == mount.Text("name"));
        Assert.Equal("orders-pgbouncer-ca", volume.Map("secret")!.Text("secretName"));
        Assert.Equal("true", receivers.Map("pgbouncer/billing")!.Map("tls")!.Text("insecure_skip_verify"));
        // receiverConfig and queryMonitoring are PostgreSQL keys: a pgbouncer receiver would refuse them.
        Assert.False(orders.Has("max_relations_per_database") || orders.Has("events"));

        var validated = await RenderedConfigCheck.ValidateAsync(objects, configMap);
        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.Contains("pgbouncer/orders", validated.Output, StringComparison.Ordinal);
        Assert.Contains("pgbouncer/billing", validated.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sidecar_reads_the_admin_console_of_the_PgBouncer_in_its_own_pod_as_a_stats_user()
    {
        var objects = await RenderedObjects.ObjectsAsync(RenderedObjects.PgbouncerSidecar);
        var configMap = Assert.Single(objects, o => o.Kind == "ConfigMap" && o.Map("data")?.Text(RenderedConfigCheck.ConfigKey) is not null);
        var receiver = KubeObject.ParseAll(configMap.Map("data")!.Text(RenderedConfigCheck.ConfigKey)!)[0].Map("receivers")!.Map("pgbouncer")!;
        var (pod, collector) = RenderedConfigCheck.MountingContainer(objects, configMap);
        var ini = PgbouncerIni(Assert.Single(objects, o => o.Kind == "ConfigMap" && o.Map("data")?.Text("pgbouncer.ini") is not null).Map("data")!.Text("pgbouncer.ini")!);

        var endpoint = receiver.Text("endpoint")!.Split(':');
        Assert.Equal("127.0.0.1", endpoint[0]);
        var pgbouncer = Assert.Single(pod.Maps("containers"), c => c.Text("name") == "pgbouncer");
        Assert.Contains(pgbouncer.Maps("ports"), p => p.Text("containerPort") == endpoint[1]);
        Assert.Equal(endpoint[1], ini["listen_port"]);
        Assert.Contains(ini["listen_addr"], new[] { "0.0.0.0", "*", "127.0.0.1" });
        Assert.Contains(receiver.Text("username")!, ini["stats_users"].Split(',', StringSplitOptions.TrimEntries));
        Assert.StartsWith("${env:", receiver.Text("password"), StringComparison.Ordinal);
        Assert.NotNull(collector.Maps("env").Single(e => receiver.Text("password") == "${env:" + e.Text("name") + "}").Map("valueFrom")!.Map("secretKeyRef"));

        var validated = await RenderedConfigCheck.ValidateAsync(objects, configMap);
        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.Contains("valid; receivers: pgbouncer;", validated.Output, StringComparison.Ordinal);
    }

    // key = value lines of the [pgbouncer] section; comments and other sections are skipped.
    private static Dictionary<string, string> PgbouncerIni(string text)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var section = string.Empty;
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ';' and not '#'))
        {
            if (line.StartsWith('['))
            {
                section = line.Trim('[', ']');
            }
            else if (section == "pgbouncer" && line.Split('=', 2) is [var key, var value])
            {
                settings[key.Trim()] = value.Trim();
            }
        }

        return settings;
    }
}
