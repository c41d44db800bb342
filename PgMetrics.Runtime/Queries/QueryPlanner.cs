using Npgsql;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Explains a statement from pg_stat_statements' text (which has <c>$n</c> where constants were) without running
/// it: <c>EXPLAIN (FORMAT JSON)</c>, never ANALYZE, in a read-only transaction in the statement's own database,
/// under a statement timeout and a short lock timeout. PostgreSQL 16 and later explain its generic plan directly
/// (<c>GENERIC_PLAN</c>); before 16 it is prepared with unknown parameter types and its generic plan
/// (<c>plan_cache_mode = force_generic_plan</c>) explained for NULL arguments, then deallocated. A statement that
/// cannot be explained gives the reason, never an exception.
/// </summary>
internal sealed class QueryPlanner
{
    private const string PreparedName = "pgmetrics_explain";

    /// <summary>The longest planning waits for a table's lock.</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(1);

    private static readonly HashSet<string> ExplainableFirstWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "TABLE", "DELETE", "INSERT", "UPDATE", "WITH", "MERGE", "VALUES",
    };

    private readonly ServerConnections _connections;
    private readonly TimeSpan _statementTimeout;

    /// <summary>Creates a planner over the server's connections.</summary>
    /// <param name="connections">The server's pools; each statement is explained in its own database.</param>
    /// <param name="statementTimeout">The longest one EXPLAIN may take on the server.</param>
    public QueryPlanner(ServerConnections connections, TimeSpan statementTimeout)
    {
        _connections = connections;
        _statementTimeout = statementTimeout;
    }

    /// <summary>The plan of <paramref name="query"/> in <paramref name="database"/>, or why it has none.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<PlanOutcome> ExplainAsync(string database, string query, CancellationToken cancellationToken)
    {
        if (WhyNotExplainable(query) is { } reason)
        {
            return PlanOutcome.Failed(reason);
        }

        query = query.TrimEnd().TrimEnd(';');

        NpgsqlConnection? connection = null;
        try
        {
            connection = await _connections.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            // Sent as marked statements (not BeginTransaction) so pg_stat_statements leaves them out of top queries too.
            await ExecuteAsync(connection, "BEGIN READ ONLY", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"SET LOCAL statement_timeout = {(long)_statementTimeout.TotalMilliseconds}", cancellationToken).ConfigureAwait(false);

            // Planning takes a share lock on every table the statement reads; behind a migration's lock it gives up
            // soon instead of holding the scrape (the statement is explained at a later collection).
            await ExecuteAsync(connection, $"SET LOCAL lock_timeout = {(long)Math.Min(_statementTimeout.TotalMilliseconds, LockTimeout.TotalMilliseconds)}", cancellationToken).ConfigureAwait(false);
            string plan;
            if (connection.PostgreSqlVersion.Major >= 16)
            {
                plan = await ExplainGenericAsync(connection, query, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                plan = await ExplainPreparedAsync(connection, query, cancellationToken).ConfigureAwait(false);
            }

            return PlanOutcome.Explained(PlanObfuscator.Obfuscate(plan));
        }
        catch (PostgresException ex)
        {
            // A lock wait, a cancelled statement or too many connections pass; the statement's own errors do not.
            var passing = ex.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow;
            return PlanOutcome.Failed(ex.SqlState + ": " + ex.MessageText, passing);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Text.Json.JsonException)
        {
            return PlanOutcome.Failed(ScrapeErrorClassifier.Classify(ex, "query_plan", database, _connections.Password).Message, passing: ex is not System.Text.Json.JsonException);
        }
        finally
        {
            if (connection is not null)
            {
                // Nothing of the explain may stay on a pooled connection (nor, behind PgBouncer, on the server
                // connection the next client gets): the transaction ends here; a prepared statement ended inside it.
                if (connection.State == System.Data.ConnectionState.Open)
                {
                    await RollBackAsync(connection).ConfigureAwait(false);
                }

                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// PostgreSQL 16 and later: <c>EXPLAIN (GENERIC_PLAN, FORMAT JSON)</c> of the text as it is, <c>$n</c> and all. The
    /// placeholders must reach the server unbound, and Npgsql's extended protocol would bind them (from 17 on the
    /// server then folds the bound values into the plan), so the text travels as a transaction-local setting and a
    /// <c>DO</c> block runs the EXPLAIN and hands the plan back as a notice.
    /// </summary>
    private static async Task<string> ExplainGenericAsync(NpgsqlConnection connection, string query, CancellationToken cancellationToken)
    {
        await using (var set = new NpgsqlCommand(CollectorSql.Mark("SELECT set_config('pgmetrics.explain_statement', @statement, true)"), connection))
        {
            set.Parameters.Add(new NpgsqlParameter<string>("statement", query));
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        string? plan = null;
        void OnNotice(object sender, NpgsqlNoticeEventArgs e) => plan ??= e.Notice.MessageText;
        connection.Notice += OnNotice;
        try
        {
            await ExecuteAsync(connection, """
                DO $pgmetrics$
                DECLARE plan text;
                BEGIN
                  EXECUTE 'EXPLAIN (GENERIC_PLAN, FORMAT JSON) ' || current_setting('pgmetrics.explain_statement') INTO plan;
                  RAISE NOTICE '%', plan;
                END
                $pgmetrics$
                """, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            connection.Notice -= OnNotice;
        }

        return plan ?? throw new System.Text.Json.JsonException("EXPLAIN printed no plan");
    }

    /// <summary>
    /// Before PostgreSQL 16: the statement prepared with unknown parameter types, planned with
    /// <c>plan_cache_mode = force_generic_plan</c>, and explained for NULL arguments, which a generic plan never looks at.
    /// </summary>
    private static async Task<string> ExplainPreparedAsync(NpgsqlConnection connection, string query, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "SET LOCAL plan_cache_mode = force_generic_plan", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"PREPARE {PreparedName} AS {query}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SAVEPOINT " + PreparedName, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var count = new NpgsqlCommand(CollectorSql.Mark($"SELECT coalesce(array_length(parameter_types, 1), 0) FROM pg_catalog.pg_prepared_statements WHERE name = '{PreparedName}'"), connection);
            var parameters = (int)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            var nulls = parameters == 0 ? string.Empty : "(" + string.Join(", ", Enumerable.Repeat("NULL", parameters)) + ")";
            await using var explain = new NpgsqlCommand(CollectorSql.Mark($"EXPLAIN (FORMAT JSON) EXECUTE {PreparedName}{nulls}"), connection);
            return (string)(await explain.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        finally
        {
            // A prepared statement outlives its transaction, so it is deallocated inside it (after the savepoint, even
            // when EXPLAIN failed): behind a pooler the next statement after the transaction may reach another server
            // connection.
            try
            {
                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT " + PreparedName, CancellationToken.None).ConfigureAwait(false);
                await ExecuteAsync(connection, "DEALLOCATE " + PreparedName, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The connection is broken or busy; it is disposed, and a prepared statement dies with its session.
            }
        }
    }

    /// <summary>Why a statement cannot be explained without running anything, or null when it can.</summary>
    internal static string? WhyNotExplainable(string query)
    {
        var text = SkipCommentsAndSpace(query);
        var end = 0;
        while (end < text.Length && (char.IsLetter(text[end]) || text[end] == '_'))
        {
            end++;
        }

        if (end == 0 || !ExplainableFirstWords.Contains(text[..end].ToString()))
        {
            return "not explainable: only SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE and WITH statements have plans";
        }

        var statementEnd = query.AsSpan().TrimEnd().TrimEnd(';');
        return statementEnd.Contains(';') ? "not explainable: the text holds more than one statement" : null;
    }

    private static ReadOnlySpan<char> SkipCommentsAndSpace(string query)
    {
        var text = query.AsSpan().TrimStart();
        while (true)
        {
            if (text.StartsWith("--"))
            {
                var newline = text.IndexOf('\n');
                text = newline < 0 ? [] : text[(newline + 1)..].TrimStart();
            }
            else if (text.StartsWith("/*"))
            {
                var close = text.IndexOf("*/");
                text = close < 0 ? [] : text[(close + 2)..].TrimStart();
            }
            else
            {
                return text;
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        // Marked, so pg_stat_statements' top queries leave the collector's own statements out.
        await using var command = new NpgsqlCommand(CollectorSql.Mark(sql), connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task RollBackAsync(NpgsqlConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is going away; its transaction ends with it.
        }
    }
}
