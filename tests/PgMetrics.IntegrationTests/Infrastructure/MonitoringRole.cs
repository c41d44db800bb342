using Npgsql;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>A login role whose only privilege is membership of pg_monitor (or nothing at all); dropped afterwards.</summary>
public sealed class MonitoringRole : IAsyncDisposable
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly IPostgresServer _server;

    private MonitoringRole(IPostgresServer server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = name, Database = "postgres" }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<MonitoringRole> CreateAsync(IPostgresServer server, bool memberOfPgMonitor = true)
    {
        var role = new MonitoringRole(server, "pgm_monitor_" + Guid.NewGuid().ToString("N")[..10]);
        await role.ExecuteAsSuperuserAsync($"CREATE ROLE {role.Name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" + (memberOfPgMonitor ? " IN ROLE pg_monitor" : string.Empty));
        return role;
    }

    public async Task ExecuteAsSuperuserAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsSuperuserAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{Name}'");
        await ExecuteAsSuperuserAsync($"DROP ROLE IF EXISTS {Name}");
    }
}
