using System.Globalization;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Runtime.Targets;

/// <summary>
/// <c>service.sharding: {index, count}</c>: this collector is replica <see cref="Index"/> of <see cref="Count"/>
/// and scrapes only the targets that rendezvous hashing gives it. Without <c>index</c>, the index is the
/// ordinal at the end of the pod's name (<c>pgmetrics-2</c> → 2), as a StatefulSet names its pods; the name
/// comes from <c>POD_NAME</c>, else <c>HOSTNAME</c>.
/// </summary>
internal sealed record ShardingConfig
{
    /// <summary>The keys the block takes.</summary>
    public static readonly string[] Keys = ["index", "count"];

    /// <summary>No sharding: one replica owns every target.</summary>
    public static readonly ShardingConfig None = new();

    /// <summary>This replica's index, from 0 to <see cref="Count"/> − 1.</summary>
    public int Index { get; init; }

    /// <summary>How many replicas share the targets. Default 1.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Whether this replica scrapes the target <paramref name="identity"/>.</summary>
    public bool Owns(string identity) => Count <= 1 || RendezvousHashing.Owner(identity, Count) == Index;

    /// <summary>Reads the block; absent means no sharding.</summary>
    public static ShardingConfig Read(ConfigSection section)
    {
        if (!section.Has("count") && !section.Has("index"))
        {
            return None;
        }

        var count = section.Int("count", minimum: 1) ?? 1;
        if (!section.Has("count"))
        {
            section.Errors.Add(section.Child("count"), "sharding needs count: the number of replicas (the StatefulSet's replicas)", at: section.Path);
        }

        int index;
        if (section.Has("index"))
        {
            index = section.Int("index", minimum: 0) ?? 0;
        }
        else if (PodOrdinal(section.Environment, out var podName) is { } ordinal)
        {
            index = ordinal;
        }
        else
        {
            section.Errors.Add(section.Child("index"), podName is null
                ? "no index given and neither POD_NAME nor HOSTNAME is set; write index: N, or run in a StatefulSet"
                : $"no index given and the pod name '{podName}' does not end in -<ordinal>; write index: N, or run in a StatefulSet", at: section.Path);
            index = 0;
        }

        if (index >= count && !section.Errors.Has(section.Child("count")))
        {
            section.Errors.Add(section.Child("index"), $"index {index} is not below count {count}; replicas are numbered 0 to {count - 1}", at: section.Has("index") ? section.Child("index") : section.Path);
        }

        return new ShardingConfig { Index = index, Count = count };
    }

    /// <summary>The ordinal at the end of the pod's name, as a StatefulSet gives it.</summary>
    private static int? PodOrdinal(Func<string, string?> environment, out string? podName)
    {
        podName = environment("POD_NAME") is { Length: > 0 } pod ? pod : environment("HOSTNAME");
        if (podName is null)
        {
            return null;
        }

        var dash = podName.LastIndexOf('-');
        return dash >= 0 && int.TryParse(podName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : null;
    }
}
