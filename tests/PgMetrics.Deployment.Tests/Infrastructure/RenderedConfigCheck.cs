using PgMetrics.Tests.Shared;

namespace PgMetrics.Deployment.Tests.Infrastructure;

/// <summary>
/// Runs `pgmetrics validate` on the collector config a ConfigMap carries, as the pod that mounts it
/// would see it: with the environment its container declares (a Secret's value stands in for each
/// secretKeyRef) and with the files of its other volumes where they are mounted: a ConfigMap's own data when
/// the ConfigMap was rendered too (or is given as existing), else a CA certificate for each listed item.
/// </summary>
public static class RenderedConfigCheck
{
    public const string ConfigKey = "pgmetrics.yaml";

    /// <param name="objects">Every rendered object; ConfigMaps among them give their data to the volumes that project them.</param>
    /// <param name="configMap">The ConfigMap with the collector config.</param>
    /// <param name="existingConfigMaps">ConfigMaps the user creates outside the chart, by name: key to content.</param>
    public static async Task<Command.Result> ValidateAsync(IReadOnlyList<KubeObject> objects, KubeObject configMap, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? existingConfigMaps = null)
    {
        var (pod, container) = MountingContainer(objects, configMap);
        var root = Directory.CreateTempSubdirectory("pgmetrics-pod-").FullName;
        try
        {
            var config = configMap.Map("data")!.Text(ConfigKey)!;

            // The pod's other volumes are folders here; each path the config names below a mount point is given a file.
            foreach (var mount in container.Maps("volumeMounts").Where(m => m.Text("name") != ConfigVolume(pod, configMap)))
            {
                var mountPath = mount.Text("mountPath")!;
                var local = Path.Combine(root, mountPath.TrimStart('/'));
                Directory.CreateDirectory(local);
                // A mount with no volume in the pod comes from a StatefulSet's claim template: an empty folder.
                var volume = pod.Maps("volumes").SingleOrDefault(v => v.Text("name") == mount.Text("name"));
                foreach (var (path, content) in Files(volume, objects, existingConfigMaps))
                {
                    await File.WriteAllTextAsync(Path.Combine(local, path), content, TestContext.Current.CancellationToken);
                }

                config = config.Replace(mountPath + "/", local + "/", StringComparison.Ordinal);
            }

            var file = Path.Combine(root, ConfigKey);
            await File.WriteAllTextAsync(file, config, TestContext.Current.CancellationToken);
            return await Command.RunAsync("dotnet", [Repository.CollectorDll, "validate", "--config", file], Environment(container));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // The files a volume puts in its folder: the items of a Secret, a ConfigMap, or the sources of a projected volume.
    private static IEnumerable<(string Path, string Content)> Files(KubeObject? volume, IReadOnlyList<KubeObject> objects, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? existingConfigMaps)
    {
        var sources = volume?.Map("projected")?.Maps("sources") ?? (volume is null ? [] : [volume]);
        foreach (var source in sources)
        {
            var configMap = source.Map("configMap");
            var data = configMap is null ? null : ConfigMapData(configMap.Text("name")!, objects, existingConfigMaps);
            foreach (var item in source.Map("secret")?.Maps("items") ?? configMap?.Maps("items") ?? [])
            {
                yield return (item.Text("path")!, data is null ? TestCertificates.Authority.PemCertificate : data[item.Text("key")!]);
            }
        }
    }

    private static IReadOnlyDictionary<string, string>? ConfigMapData(string name, IReadOnlyList<KubeObject> objects, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? existingConfigMaps)
    {
        if (objects.FirstOrDefault(o => o.Kind == "ConfigMap" && o.Name == name)?.Map("data") is { } data)
        {
            return data.Keys.ToDictionary(key => key, key => data.Text(key)!, StringComparer.Ordinal);
        }

        return existingConfigMaps?.GetValueOrDefault(name);
    }

    /// <summary>
    /// The container's environment: plain values as written, each secretKeyRef as a made-up secret, the pod's
    /// name (fieldRef metadata.name) as a StatefulSet's first pod is named, and the API server's address, which
    /// the kubelet gives every container whatever enableServiceLinks says.
    /// </summary>
    public static Dictionary<string, string> Environment(KubeObject container)
    {
        var environment = container.Maps("env").ToDictionary(
            e => e.Text("name")!,
            e => e.Text("value")
                 ?? (e.Map("valueFrom")?.Map("secretKeyRef") is { } secret ? $"secret-{secret.Text("name")}-{secret.Text("key")}"
                 : e.Map("valueFrom")?.Map("fieldRef")?.Text("fieldPath") == "metadata.name" ? "pgmetrics-0" : "value"));
        environment.TryAdd("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        environment.TryAdd("KUBERNETES_SERVICE_PORT", "443");
        return environment;
    }

    /// <summary>The pod spec and container that mount the ConfigMap at /etc/pgmetrics.</summary>
    public static (KubeObject Pod, KubeObject Container) MountingContainer(IReadOnlyList<KubeObject> objects, KubeObject configMap)
    {
        var pods = objects.Select(o => o.PodSpec).OfType<KubeObject>().Where(p => ConfigVolume(p, configMap) is not null).ToList();
        var pod = Assert.Single(pods);
        var container = Assert.Single(pod.AllContainers, c => c.Maps("volumeMounts").Any(m => m.Text("name") == ConfigVolume(pod, configMap) && m.Text("mountPath") == "/etc/pgmetrics"));
        return (pod, container);
    }

    private static string? ConfigVolume(KubeObject pod, KubeObject configMap)
        => pod.Maps("volumes").FirstOrDefault(v => v.Map("configMap")?.Text("name") == configMap.Name)?.Text("name");
}
