using PgMetrics.Collector.Config.Yaml;
using PgMetrics.Collector.Targets.Kubernetes;

namespace PgMetrics.Collector.Components;

/// <summary>
/// The typed, validated config of one component, as an OpenTelemetry Collector <c>config.go</c>: read by
/// its factory, then checked by <see cref="Validate"/>, which is the same for a file and for flags.
/// </summary>
internal abstract record ComponentConfig
{
    /// <summary>The config name: the type, or <c>type/name</c> (e.g. <c>postgresql/replica</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The dotted path of the component's block, e.g. <c>receivers.postgresql/replica</c>.</summary>
    public abstract string Path { get; }

    /// <summary>
    /// Files the config was read from besides the config file itself (a receiver's <c>metadata_files</c>): the
    /// collector reloads when one of them changes, as when the config file does.
    /// </summary>
    public virtual IEnumerable<string> ReadFiles => [];

    /// <summary>Reports what is wrong with the values together, beyond each value's own type; keys named relative to <see cref="Path"/>.</summary>
    public virtual void Validate(ConfigErrors errors)
    {
    }
}

/// <summary>The config of a receiver: one block under <c>receivers:</c>.</summary>
internal abstract record ReceiverConfig : ComponentConfig
{
    /// <summary>Time between scrapes (<c>collection_interval</c>); the collector reports its own metrics at the shortest of them.</summary>
    public abstract TimeSpan CollectionInterval { get; init; }

    /// <inheritdoc/>
    public override string Path => "receivers." + Name;

    /// <summary>
    /// What makes the target this receiver scrapes the same target wherever it is configured: for PostgreSQL,
    /// its endpoint. Sharding hashes it, and a target list may not name it twice.
    /// </summary>
    public virtual string Identity => Name;

    /// <summary>
    /// Whether the block is a list of targets (a targets file, discovery) rather than a target: its keys
    /// are defaults, and it scrapes nothing itself.
    /// </summary>
    public virtual bool IsTargetList => false;

    /// <summary>
    /// Whether this target came from a list (a targets file, discovery) rather than a block of its own: its
    /// failures are its own problem, named in <c>/readyz</c> without making the collector unready.
    /// </summary>
    public bool IsListedTarget { get; init; }

    /// <summary>The targets a list names in the config's own files (a targets file), each a receiver config of its own.</summary>
    public virtual IReadOnlyList<ReceiverConfig> ListedTargets => [];

    /// <summary>The targets file (or folder) of a list, watched while the collector runs; null when it has none.</summary>
    public virtual string? TargetsFilePath => null;

    /// <summary>The Kubernetes discovery of a list, followed while the collector runs; null when it has none.</summary>
    public virtual KubernetesDiscoveryConfig? Discovery => null;
}

/// <summary>The config of an exporter: one block under <c>exporters:</c>.</summary>
internal abstract record ExporterConfig : ComponentConfig
{
    /// <inheritdoc/>
    public override string Path => "exporters." + Name;
}
