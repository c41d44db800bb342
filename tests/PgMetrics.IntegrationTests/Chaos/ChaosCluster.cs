using Npgsql;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// A server of the newest requested version for the chaos tests alone: they restart it and fill its
/// connection slots, which the servers other tests share must never see. Few slots, so filling them is quick;
/// prepared transactions allowed, for the restart test's migration lock.
/// </summary>
public sealed class ChaosCluster : IAsyncLifetime
{
    public const int MaxConnections = 12;

    private PostgresCluster? _cluster;

    public PostgresCluster Server => _cluster ?? throw new InvalidOperationException("the chaos cluster has not started");

    public async ValueTask InitializeAsync()
        => _cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions(PostgresVersions.Requested[^1])
        {
            // A prepared transaction holds the restart test's migration lock through the restart.
            Settings = new Dictionary<string, string> { ["max_connections"] = MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture), ["max_prepared_transactions"] = "2" },
        });

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
