using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// primary → standby (physical slot <see cref="StandbySlot"/>, hot_standby_feedback) → cascade (no slot,
/// hot_standby_feedback): three real servers of one version on loopback.
/// </summary>
public sealed record ReplicationTopology(PostgresCluster Primary, PostgresCluster Standby, PostgresCluster Cascade)
{
    public const string StandbyName = "standby";
    public const string StandbySlot = "standby_slot";
    public const string CascadeName = "cascade";

    /// <summary>Waits until each upstream lists its standby as streaming in its own pg_stat_replication.</summary>
    public async Task WaitForStreamingAsync(CancellationToken cancellationToken)
    {
        foreach (var (upstream, client) in new[] { (Primary, StandbyName), (Standby, CascadeName) })
        {
            await Poll.UntilAsync(
                () => ServerSql.ScalarAsync<string>(upstream.ConnectionString, $"SELECT state FROM pg_stat_replication WHERE application_name = '{client}'", cancellationToken),
                state => state == "streaming",
                $"{client} streaming from port {upstream.Port}",
                cancellationToken);
        }
    }

    /// <summary>
    /// Waits until <paramref name="standby"/> has replayed everything it received and everything the
    /// primary has written by now, so the pair is caught up.
    /// </summary>
    public Task WaitForReplayAsync(PostgresCluster standby, CancellationToken cancellationToken) => WaitForReplayAsync(Primary, standby, cancellationToken);

    /// <summary>Waits until <paramref name="standby"/> has replayed everything <paramref name="primary"/> has written by now.</summary>
    public static async Task WaitForReplayAsync(PostgresCluster primary, PostgresCluster standby, CancellationToken cancellationToken)
    {
        var target = await ServerSql.ScalarAsync<string>(primary.ConnectionString, "SELECT pg_current_wal_lsn()::text", cancellationToken);
        await Poll.UntilAsync(
            () => ServerSql.ScalarAsync<bool>(standby.ConnectionString, $"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", cancellationToken),
            replayed => replayed,
            $"port {standby.Port} replaying up to {target}",
            cancellationToken);
    }
}
