using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.Hosting;

/// <summary>What <c>/readyz</c> reports: the problems of every running component (a receiver whose last scrape failed, an exporter whose circuit is open).</summary>
internal sealed class ReadinessProbe(Func<IEnumerable<IComponent>> components)
{
    /// <summary>The problems now; empty when the collector is ready.</summary>
    public IReadOnlyList<string> Problems() => [.. components().SelectMany(c => c.ReadinessProblems)];
}
