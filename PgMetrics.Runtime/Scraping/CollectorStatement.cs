using System.Globalization;
using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// One statement of the collector, bounded on the server by <c>statement_timeout</c> and a short <c>lock_timeout</c>
/// (<see cref="LockTimeout"/>) without changing the session: it is sent in one batch (one Sync) after
/// <c>set_config('statement_timeout', …, is_local =&gt; true)</c> and the same for <c>lock_timeout</c> (and, for a
/// statement that reads an extension, <c>search_path</c> with the extension's schema first).
/// Statements before a Sync run in one implicit transaction, and a local setting ends with its transaction,
/// so the limit covers this statement alone and is gone when the server connection is idle again. That is
/// what makes it safe behind PgBouncer in transaction pooling, where the next transaction on the same server
/// connection belongs to another client; a startup parameter (<c>options=-c statement_timeout=…</c>) is
/// refused there, and a session <c>SET</c> would leak to that other client. Costs no extra round trip.
/// </summary>
public sealed class CollectorStatement : IAsyncDisposable
{
    /// <summary>
    /// The longest any statement of the collector waits for a lock (<c>lock_timeout</c>), unless its
    /// <c>statement_timeout</c> is shorter. A lock request queues behind a waiting one that conflicts with it (a
    /// migration's ACCESS EXCLUSIVE), so a collector that waited would hold its scrape until the query timeout and
    /// stand in the application's lock queue; the catalogue leaves locked relations out (table_stats, index_stats)
    /// and this bounds what slips through between reading pg_locks and taking the lock: the statement fails with
    /// 55P03 (lock_not_available) instead, and the next scrape leaves the relation out.
    /// </summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(500);

    private readonly NpgsqlBatch _batch;
    private readonly NpgsqlBatchCommand _statement;

    internal CollectorStatement(string sql, NpgsqlConnection connection, TimeSpan timeout, string? searchPathFirst = null)
    {
        var statementMilliseconds = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds));
        var milliseconds = statementMilliseconds.ToString(CultureInfo.InvariantCulture);
        var lockMilliseconds = Math.Min(statementMilliseconds, (long)LockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _batch = new NpgsqlBatch(connection);
        var settings = new NpgsqlBatchCommand();
        if (string.IsNullOrEmpty(searchPathFirst))
        {
            settings.CommandText = CollectorSql.Mark(
                $"SELECT pg_catalog.set_config('statement_timeout', '{milliseconds}', true), pg_catalog.set_config('lock_timeout', '{lockMilliseconds}', true)");
        }
        else
        {
            // The schemas go as a parameter: a schema name may hold any character.
            settings.CommandText = CollectorSql.Mark(
                $"SELECT pg_catalog.set_config('statement_timeout', '{milliseconds}', true), pg_catalog.set_config('lock_timeout', '{lockMilliseconds}', true), "
                + "pg_catalog.set_config('search_path', $1 || ', ' || pg_catalog.current_setting('search_path'), true)");
            settings.Parameters.Add(new NpgsqlParameter<string> { TypedValue = searchPathFirst });
        }

        _batch.BatchCommands.Add(settings);
        _statement = new NpgsqlBatchCommand(CollectorSql.Mark(sql));
        _batch.BatchCommands.Add(_statement);
    }

    /// <summary>The statement's text as sent, ending with <see cref="CollectorSql.Marker"/>.</summary>
    public string CommandText => _statement.CommandText;

    /// <summary>The statement's parameters, by the names its SQL uses (<c>@databases</c> → <c>databases</c>).</summary>
    public NpgsqlParameterCollection Parameters => _statement.Parameters;

    /// <summary>Runs the statement and returns its result, positioned before the first row.</summary>
    /// <exception cref="PostgresException">The server refused or cancelled the statement (57014 when it ran past the timeout).</exception>
    /// <exception cref="NpgsqlException">The connection broke or the client-side command timeout passed.</exception>
    public async Task<NpgsqlDataReader> ExecuteReaderAsync(CancellationToken cancellationToken)
    {
        var reader = await _batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The first result is set_config's one row; the statement's follows.
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs the statement and returns the first column of its first row, or null when it returned no row.</summary>
    /// <exception cref="PostgresException">The server refused or cancelled the statement.</exception>
    /// <exception cref="NpgsqlException">The connection broke or the client-side command timeout passed.</exception>
    public async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        await using var reader = await ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0) ? reader.GetValue(0) : null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _batch.DisposeAsync();
}
