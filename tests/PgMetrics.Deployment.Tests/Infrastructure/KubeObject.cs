using YamlDotNet.RepresentationModel;

namespace PgMetrics.Deployment.Tests.Infrastructure;

/// <summary>A Kubernetes object (or a part of one) read from YAML, with the lookups the tests need.</summary>
public sealed class KubeObject(YamlMappingNode node)
{
    public YamlMappingNode Node { get; } = node;

    public string Kind => Text("kind") ?? string.Empty;

    public string Name => Map("metadata")?.Text("name") ?? string.Empty;

    public override string ToString() => $"{Kind}/{Name}";

    public KubeObject? Map(string key) => Node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map ? new KubeObject(map) : null;

    public IReadOnlyList<KubeObject> Maps(string key) => Node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode list
        ? list.Children.OfType<YamlMappingNode>().Select(m => new KubeObject(m)).ToList()
        : [];

    public IReadOnlyList<string> Texts(string key) => Node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode list
        ? list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList()
        : [];

    public string? Text(string key) => Node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode scalar ? scalar.Value : null;

    public bool Has(string key) => Node.Children.ContainsKey(new YamlScalarNode(key));

    public bool? Flag(string key) => Text(key) is { } text ? bool.Parse(text) : null;

    public IEnumerable<string> Keys => Node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty);

    /// <summary>Every object of a multi-document YAML text; empty documents are skipped.</summary>
    public static IReadOnlyList<KubeObject> ParseAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().Select(m => new KubeObject(m)).ToList();
    }

    /// <summary>The pod spec of a Pod or of a workload's pod template; null for other kinds.</summary>
    public KubeObject? PodSpec => Kind switch
    {
        "Pod" => Map("spec"),
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" => Map("spec")?.Map("template")?.Map("spec"),
        "CronJob" => Map("spec")?.Map("jobTemplate")?.Map("spec")?.Map("template")?.Map("spec"),
        _ => null,
    };

    /// <summary>The containers, init containers and ephemeral containers of a pod spec.</summary>
    public IEnumerable<KubeObject> AllContainers => Maps("containers").Concat(Maps("initContainers")).Concat(Maps("ephemeralContainers"));
}
