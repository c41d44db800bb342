using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.Hosting;

/// <summary>
/// What <c>/readyz</c> reports: the problems of every running component (a receiver whose last scrape failed,
/// an exporter whose circuit is open) make the collector unready. In a fleet, one target's failure is that
/// target's problem: listed targets' problems are named too, each with its target, but the collector stays
/// ready while it can scrape the rest and export.
/// </summary>
internal sealed class ReadinessProbe(Func<IEnumerable<IComponent>> components, Func<IEnumerable<IComponent>>? listedTargets = null)
{
    /// <summary>The problems that make the collector unready now; empty when it is ready.</summary>
    public IReadOnlyList<string> Problems() => [.. components().SelectMany(c => c.ReadinessProblems)];

    /// <summary>Problems of single targets from lists, named but not making the collector unready.</summary>
    public IReadOnlyList<string> TargetProblems() => [.. (listedTargets?.Invoke() ?? []).SelectMany(c => c.ReadinessProblems)];
}
