namespace PgMetrics.TestPostgres;

/// <summary>How <see cref="PostgresStandby"/> makes a standby.</summary>
/// <param name="ApplicationName">The name the standby gives its upstream (pg_stat_replication.application_name).</param>
public sealed record StandbyOptions(string ApplicationName)
{
    /// <summary>A physical replication slot to create on the upstream and stream from; null streams without one.</summary>
    public string? SlotName { get; init; }

    /// <summary>Settings beyond the upstream's, e.g. <c>hot_standby_feedback</c>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
