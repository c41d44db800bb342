using Npgsql;
using Npgsql.Replication;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// A minimal physical standby stand-in: a replication connection on a temporary physical slot that
/// streams WAL and acknowledges it, so the server lists it in pg_stat_replication and
/// pg_replication_slots (the binaries the tests use have no pg_receivewal). The slot is temporary:
/// the server drops it when the connection ends, even if the test process dies.
/// </summary>
public sealed class WalReceiver : IAsyncDisposable
{
    private readonly PhysicalReplicationConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private Task _streaming = Task.CompletedTask;

    private WalReceiver(PhysicalReplicationConnection connection, string slotName)
    {
        _connection = connection;
        SlotName = slotName;
    }

    public string SlotName { get; }

    /// <param name="serverConnectionString">The primary.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="applicationName">The connection's application_name; by default the slot's name, unique. Two receivers
    /// given the same one look like two pg_receivewal (or two standbys without a cluster_name) on one host.</param>
    public static async Task<WalReceiver> StartAsync(string serverConnectionString, CancellationToken cancellationToken, string? applicationName = null)
    {
        var slotName = "pgm_" + Guid.NewGuid().ToString("N")[..12];
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString) { ApplicationName = applicationName ?? slotName };
        var connection = new PhysicalReplicationConnection(builder.ConnectionString);
        await connection.Open(cancellationToken);
        var receiver = new WalReceiver(connection, slotName);
        var slot = await connection.CreateReplicationSlot(slotName, isTemporary: true, reserveWal: true, cancellationToken: cancellationToken);
        var system = await connection.IdentifySystem(cancellationToken);
        receiver._streaming = receiver.StreamAsync(slot, system.XLogPos);
        return receiver;
    }

    private async Task StreamAsync(PhysicalReplicationSlot slot, NpgsqlTypes.NpgsqlLogSequenceNumber from)
    {
        try
        {
            await foreach (var message in _connection.StartReplication(slot, from, _stop.Token))
            {
                // Acknowledge everything received as written, flushed and applied, as a caught-up standby does.
                _connection.SetReplicationStatus(message.WalEnd);
                await _connection.SendStatusUpdate(_stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _streaming;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The stream ends with the connection; nothing is left to clean up on the server.
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
