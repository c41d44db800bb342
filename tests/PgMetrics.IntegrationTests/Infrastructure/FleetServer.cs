using Npgsql;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// One throwaway server of the newest requested version that also listens on 60 extra loopback addresses
/// (127.0.9.1 to 127.0.9.60; PostgreSQL listens on at most 64 sockets), so it stands in for a fleet of targets
/// that differ by endpoint. Each address has a login role of its own (fleet_1 …), so the server can tell which
/// target a connection belongs to.
/// </summary>
public sealed class FleetServer : IAsyncLifetime
{
    public const int Addresses = 60;

    private PostgresCluster? _cluster;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public int Port => Cluster.Port;

    public static string Address(int target) => $"127.0.9.{target}";

    public string Endpoint(int target) => $"{Address(target)}:{Port}";

    public async ValueTask InitializeAsync()
    {
        var listen = string.Join(',', ["127.0.0.1", .. Enumerable.Range(1, Addresses).Select(Address)]);
        // Room for every target's connections at once: the test cluster's 100 (97 without superuser slots) is fewer than 60
        // targets hold when a loaded machine makes their queries slow enough for a second connection each (the catalogue's
        // second lane), and the targets left out failed with 53300 instead of being scraped.
        var settings = new Dictionary<string, string> { ["listen_addresses"] = listen, ["max_connections"] = (Addresses * 2 + 40).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        _cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions(PostgresVersions.Requested[^1]) { Settings = settings });
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString);
        await connection.OpenAsync();
        var roles = string.Concat(Enumerable.Range(1, Addresses).Select(target => $"CREATE ROLE fleet_{target} LOGIN IN ROLE pg_monitor;"));
        await using var command = new NpgsqlCommand(roles, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Connections open now as the role of <paramref name="target"/>.</summary>
    public async Task<long> ConnectionsOfAsync(int target)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE usename = 'fleet_{target}'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Connections open now per fleet role, by target number; a target with none is left out.</summary>
    public async Task<Dictionary<int, long>> ConnectionsByTargetAsync()
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT substr(usename, 7)::int, count(*) FROM pg_stat_activity WHERE usename LIKE 'fleet\\_%' GROUP BY usename", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var connections = new Dictionary<int, long>();
        while (await reader.ReadAsync())
        {
            connections[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return connections;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
