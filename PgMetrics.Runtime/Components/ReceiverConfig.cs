namespace PgMetrics.Runtime.Components;

/// <summary>The config of a receiver: one block under <c>receivers:</c>.</summary>
public abstract record ReceiverConfig : ComponentConfig
{
    /// <summary>Time between scrapes (<c>collection_interval</c>); the collector reports its own metrics at the shortest of them.</summary>
    public abstract TimeSpan CollectionInterval { get; init; }

    /// <inheritdoc/>
    public override string Path => "receivers." + Name;
}
