using Npgsql;

namespace PgMetrics.TestPostgres;

/// <summary>
/// A login role of its own, in <c>pg_monitor</c>, for tests that stop a server and expect scrapes to fail:
/// on a machine where other tests start servers all the time, a stopped server's port can be taken by
/// another one that trusts <c>postgres</c>, and scrapes as <c>postgres</c> would work again; this role
/// exists on no other server.
/// </summary>
public static class UniqueRole
{
    /// <summary>Creates the role on the server of <paramref name="connectionString"/> (a superuser's) and returns its name.</summary>
    public static async Task<string> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var name = "pgm_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE ROLE {name} LOGIN IN ROLE pg_monitor", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return name;
    }
}
