using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Hosting;

/// <summary>A whole config, from a file or from flags: the receivers, the exporters, and the service settings.</summary>
/// <param name="FilePath">The config file, or <c>(command line)</c>.</param>
internal sealed record CollectorConfig(
    string FilePath,
    IReadOnlyList<ReceiverConfig> Receivers,
    IReadOnlyList<ExporterConfig> Exporters,
    ServiceConfig Service)
{
    /// <summary>The exporters <c>service.exporters</c> selects (every declared one when it names none).</summary>
    public IReadOnlyList<ExporterConfig> ExportersInUse
        => Service.Exporters.Count == 0 ? Exporters : Exporters.Where(e => Service.Exporters.Contains(e.Name)).ToList();

    /// <summary>The name a config built from command-line flags goes by in messages.</summary>
    public const string CommandLine = "(command line)";

    /// <summary>Whether the config came from a file that can be watched for changes.</summary>
    public bool IsFile => FilePath != CommandLine;

    /// <summary>The files a change of which reloads the config: the config file and the files its components read (metadata files).</summary>
    public IReadOnlyList<string> WatchedFiles
        => [.. Receivers.Cast<ComponentConfig>().Concat(Exporters).SelectMany(c => c.ReadFiles).Prepend(FilePath).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Every target, unsharded: each receiver block that is a target, and the targets of each list
    /// (<paramref name="targetsOf"/> says what a list holds now; by default what its targets file held at load).
    /// A target listed twice is taken once, the first time.
    /// </summary>
    public IReadOnlyList<ReceiverConfig> AllTargets(Func<ReceiverConfig, IEnumerable<ReceiverConfig>>? targetsOf = null)
    {
        targetsOf ??= list => list.ListedTargets;
        return [.. Receivers.SelectMany(r => r.IsTargetList ? targetsOf(r) : [r]).DistinctBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>The targets this replica scrapes: <see cref="AllTargets"/> that <c>service.sharding</c> gives it.</summary>
    public IReadOnlyList<ReceiverConfig> OwnedTargets(Func<ReceiverConfig, IEnumerable<ReceiverConfig>>? targetsOf = null)
        => [.. AllTargets(targetsOf).Where(t => Service.Sharding.Owns(t.Identity))];

    /// <summary>Checks each component, then what they must agree on; every problem goes to <paramref name="errors"/>.</summary>
    public void Validate(ConfigErrors errors)
    {
        foreach (var component in Receivers.Cast<ComponentConfig>().Concat(Exporters))
        {
            component.Validate(errors);
        }

        for (var i = 0; i < Service.Exporters.Count; i++)
        {
            if (!Exporters.Any(e => e.Name == Service.Exporters[i]))
            {
                errors.Add("service.exporters", $"'{Service.Exporters[i]}' is not declared under exporters", at: $"service.exporters[{i}]");
            }
        }
    }
}
