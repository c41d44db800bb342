using Npgsql;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>One-off statements against a server, each on a connection of its own (no pooling, so sessions really end).</summary>
public static class ServerSql
{
    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(connectionString, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row, converted to <typeparamref name="T"/>; default when the value is NULL or there is no row.</summary>
    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(connectionString, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of a query, each as its column values (NULL as null).</summary>
    public static async Task<IReadOnlyList<object?[]>> RowsAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(connectionString, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        }

        return rows;
    }

    /// <summary>Runs <paramref name="count"/> transactions that each take a new transaction ID, so xmin ages grow by at least that.</summary>
    public static async Task ConsumeTransactionIdsAsync(string connectionString, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await ExecuteAsync(connectionString, "SELECT txid_current()", cancellationToken);
        }
    }

    /// <summary>A connection string to another database of the same server, without pooling.</summary>
    public static string InDatabase(string connectionString, string database)
        => new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false }.ConnectionString;

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
