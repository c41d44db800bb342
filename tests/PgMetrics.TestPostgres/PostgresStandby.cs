using Npgsql;

namespace PgMetrics.TestPostgres;

/// <summary>
/// Streaming standbys of a running <see cref="PostgresCluster"/>, made as an operator without
/// pg_basebackup would: a low-level base backup (<see cref="LowLevelBaseBackup"/>), <c>standby.signal</c>,
/// and <c>primary_conninfo</c> (with <c>primary_slot_name</c> when asked) in <c>postgresql.auto.conf</c>,
/// where pg_basebackup -R writes them. The upstream may itself be a standby (cascading replication).
/// </summary>
public static class PostgresStandby
{
    /// <summary>
    /// Creates the slot (if any) on <paramref name="upstream"/>, takes the backup, and starts the standby
    /// with the upstream's binaries and settings plus <paramref name="options"/>' own. Returns once the
    /// standby accepts connections, that is once it has replayed up to a consistent state.
    /// </summary>
    /// <exception cref="InvalidOperationException">The standby did not start; the message carries its log.</exception>
    /// <exception cref="PostgresException">The upstream refused the slot or the backup.</exception>
    public static async Task<PostgresCluster> StartAsync(PostgresCluster upstream, StandbyOptions options, CancellationToken cancellationToken = default)
    {
        if (options.SlotName is { } slot)
        {
            // Created before the backup starts and reserving WAL at once, so no WAL the standby needs is recycled before it connects.
            await using var connection = new NpgsqlConnection(upstream.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_create_physical_replication_slot(@slot, immediately_reserve => true)", connection);
            command.Parameters.AddWithValue("slot", slot);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var settings = new Dictionary<string, string>(upstream.Settings);
        foreach (var (name, value) in options.Settings)
        {
            settings[name] = value;
        }

        return await PostgresCluster.StartAsync(
            new PostgresClusterOptions(upstream.Major)
            {
                BinFolder = upstream.BinFolder,
                Settings = settings,
                CreateDataDirectory = async (data, _, ct) =>
                {
                    await LowLevelBaseBackup.TakeAsync(upstream, data, ct);
                    await File.WriteAllTextAsync(Path.Combine(data, "standby.signal"), string.Empty, ct);
                    var conninfo = $"host=127.0.0.1 port={upstream.Port} user=postgres application_name={options.ApplicationName}";
                    // Written after what the copy brought along (a cascade's upstream has its own), and the last line wins.
                    var lines = $"primary_conninfo = '{conninfo}'\nprimary_slot_name = '{options.SlotName}'\n";
                    await File.AppendAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), lines, ct);
                },
            },
            cancellationToken);
    }
}
