using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Runtime.Components;

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
}

/// <summary>The config of an exporter: one block under <c>exporters:</c>.</summary>
internal abstract record ExporterConfig : ComponentConfig
{
    /// <inheritdoc/>
    public override string Path => "exporters." + Name;
}
