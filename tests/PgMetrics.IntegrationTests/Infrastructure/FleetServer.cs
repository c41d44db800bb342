using Npgsql;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// One throwaway server of the newest requested version that also listens on a few extra loopback addresses
/// (127.0.9.1 to 127.0.9.8), so it stands in for a fleet of targets that differ by endpoint. Each address has a
/// login role of its own (fleet_1 …), so the server can tell which target a connection belongs to.
/// </summary>
public sealed class FleetServer : IAsyncLifetime
{
    public const int Addresses = 8;

    private PostgresCluster? _cluster;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public int Port => Cluster.Port;

    public static string Address(int target) => $"127.0.9.{target}";

    public string Endpoint(int target) => $"{Address(target)}:{Port}";

    public async ValueTask InitializeAsync()
    {
        var listen = string.Join(',', ["127.0.0.1", .. Enumerable.Range(1, Addresses).Select(Address)]);
        _cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions(PostgresVersions.Requested[^1]) { Settings = new Dictionary<string, string> { ["listen_addresses"] = listen } });
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString);
        await connection.OpenAsync();
        for (var target = 1; target <= Addresses; target++)
        {
            await using var command = new NpgsqlCommand($"CREATE ROLE fleet_{target} LOGIN IN ROLE pg_monitor", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Connections open now as the role of <paramref name="target"/>.</summary>
    public async Task<long> ConnectionsOfAsync(int target)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE usename = 'fleet_{target}'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
