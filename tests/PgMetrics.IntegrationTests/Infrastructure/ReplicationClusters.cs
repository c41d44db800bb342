using System.Collections.Concurrent;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// Per PostgreSQL version, a <see cref="ReplicationTopology"/>: a primary, a standby streaming from it
/// through a slot, and a cascading standby streaming from that standby, all built with the low-level
/// backup API. Each is built on first use and shared by the replication tests, which run one at a time
/// (they share the <see cref="Collection"/>) because pausing replay or consuming transaction IDs on one
/// server changes what the others see.
/// </summary>
public sealed class ReplicationClusters : IAsyncDisposable
{
    /// <summary>The test collection of every test that uses a topology.</summary>
    public const string Collection = "replication topology";

    /// <summary>
    /// What the replication tests need beyond the default settings: logical decoding for publications,
    /// full-page writes (a backup taken on a standby refuses WAL written without them), commits written
    /// out at once (so pg_current_wal_lsn() includes the last commit), prepared transactions, standbys
    /// that report their xmin, and quick status reports and reconnects.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["wal_level"] = "logical",
        ["full_page_writes"] = "on",
        ["synchronous_commit"] = "on",
        ["max_prepared_transactions"] = "10",
        ["hot_standby_feedback"] = "on",
        ["wal_receiver_status_interval"] = "1s",
        ["wal_retrieve_retry_interval"] = "500ms",
    };

    private readonly ConcurrentDictionary<int, Lazy<Task<ReplicationTopology>>> _topologies = new();

    /// <summary>The topology of the given major version, built on first use.</summary>
    public Task<ReplicationTopology> GetAsync(int major, CancellationToken cancellationToken)
        => _topologies.GetOrAdd(major, m => new Lazy<Task<ReplicationTopology>>(() => BuildAsync(m))).Value.WaitAsync(cancellationToken);

    private static async Task<ReplicationTopology> BuildAsync(int major)
    {
        // Not the caller's token: the topology is shared, and one test's cancellation must not break it for the rest.
        var started = new List<PostgresCluster>();
        try
        {
            var primary = await PostgresCluster.StartAsync(new PostgresClusterOptions(major) { Settings = Settings });
            started.Add(primary);
            await ServerSql.ExecuteAsync(primary.ConnectionString, "CREATE EXTENSION pg_stat_statements", CancellationToken.None);
            var standby = await PostgresStandby.StartAsync(primary, new StandbyOptions(ReplicationTopology.StandbyName) { SlotName = ReplicationTopology.StandbySlot });
            started.Add(standby);
            // Without a slot, so the standby's pg_stat_replication carries the cascade's hot_standby_feedback xmin.
            var cascade = await PostgresStandby.StartAsync(standby, new StandbyOptions(ReplicationTopology.CascadeName));
            started.Add(cascade);
            var topology = new ReplicationTopology(primary, standby, cascade);
            await topology.WaitForStreamingAsync(CancellationToken.None);
            return topology;
        }
        catch
        {
            foreach (var cluster in Enumerable.Reverse(started))
            {
                await cluster.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Stops every topology built, downstream first.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var topology in _topologies.Values.Where(t => t.IsValueCreated))
        {
            try
            {
                var built = await topology.Value;
                await built.Cascade.DisposeAsync();
                await built.Standby.DisposeAsync();
                await built.Primary.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or Npgsql.NpgsqlException)
            {
                // A topology that failed to build stopped what it had started.
            }
        }
    }
}
