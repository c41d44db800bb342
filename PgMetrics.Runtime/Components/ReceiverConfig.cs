using PgMetrics.Runtime.Targets;

namespace PgMetrics.Runtime.Components;

/// <summary>The config of a receiver: one block under <c>receivers:</c>.</summary>
public abstract record ReceiverConfig : ComponentConfig
{
    /// <summary>Time between scrapes (<c>collection_interval</c>); the collector reports its own metrics at the shortest of them.</summary>
    public abstract TimeSpan CollectionInterval { get; init; }

    /// <inheritdoc/>
    public override string Path => "receivers." + Name;

    /// <summary>
    /// What makes the target this receiver scrapes the same target wherever it is configured: for PostgreSQL,
    /// its endpoint. Sharding hashes it, and a target list may not name it twice.
    /// </summary>
    internal virtual string Identity => Name;

    /// <summary>
    /// Whether the block is a list of targets (a targets file, discovery) rather than a target: its keys
    /// are defaults, and it scrapes nothing itself. Lists are read by the pgmetrics collector only.
    /// </summary>
    internal virtual bool IsTargetList => false;

    /// <summary>
    /// Whether this target came from a list (a targets file, discovery) rather than a block of its own: its
    /// failures are its own problem, named in <c>/readyz</c> without making the collector unready.
    /// </summary>
    internal bool IsListedTarget { get; init; }

    /// <summary>The targets a list names in the config's own files (a targets file), each a receiver config of its own.</summary>
    internal virtual IReadOnlyList<ReceiverConfig> ListedTargets => [];

    /// <summary>The targets file (or folder) of a list, watched while the collector runs; null when it has none.</summary>
    internal virtual string? TargetsFilePath => null;

    /// <summary>The Kubernetes discovery of a list, followed while the collector runs; null when it has none.</summary>
    internal virtual KubernetesDiscoveryConfig? Discovery => null;
}
