namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// A condition of the server, or of the monitoring role, under which some metrics are left out or stop moving,
/// though every query succeeds: a role without <c>pg_read_all_stats</c> that other roles' sessions are hidden
/// from, a database whose size the role may not read, <c>track_counts</c> off. Reported once while it lasts,
/// like a failed query (<c>ScrapeProblemLog</c>).
/// </summary>
/// <param name="Condition">What is the case, e.g. "role 'pgmetrics' lacks pg_read_all_stats".</param>
/// <param name="Metrics">The metrics affected, those the scraped metric set has enabled, in catalogue order.</param>
/// <param name="Effect">What happens to them, e.g. "are not collected".</param>
/// <param name="Fix">The statement or setting that ends the condition, e.g. <c>GRANT pg_monitor TO pgmetrics</c>.</param>
public sealed record ServerCondition(string Condition, IReadOnlyList<string> Metrics, string Effect, string Fix)
{
    /// <summary>Whether two conditions say the same, <see cref="Metrics"/> compared by content.</summary>
    public bool Equals(ServerCondition? other)
        => other is not null && Condition == other.Condition && Effect == other.Effect && Fix == other.Fix && Metrics.SequenceEqual(other.Metrics);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Condition, Effect, Fix, Metrics.Count);

    /// <inheritdoc/>
    public override string ToString() => $"{Condition}; {Effect}: {string.Join(", ", Metrics)}. Fix: {Fix}";
}
