using Npgsql;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>A database of its own for one test, so counters are not disturbed by other tests; dropped at the end.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly IPostgresServer _server;

    private TestDatabase(IPostgresServer server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>A connection string to this database, without pooling, so closed connections really end their backends.</summary>
    public string ConnectionString { get; }

    /// <param name="server">The server to create it on.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <param name="options">What follows <c>CREATE DATABASE name</c>, e.g. <c>ENCODING 'SQL_ASCII' … TEMPLATE template0</c>.</param>
    public static async Task<TestDatabase> CreateAsync(IPostgresServer server, CancellationToken cancellationToken, string options = "")
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE {name} {options}", cancellationToken);
        return new TestDatabase(server, name);
    }

    public Task ExecuteAsync(string sql, CancellationToken cancellationToken) => ExecuteAsync(ConnectionString, sql, cancellationToken);

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The first row of a query run in this database, every column as a number.</summary>
    public async Task<long[]> RowAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"no row from: {sql}");
        }

        return Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(_server.ConnectionString);
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}' AND pid <> pg_backend_pid()", connection);
        await terminate.ExecuteNonQueryAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name}", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
