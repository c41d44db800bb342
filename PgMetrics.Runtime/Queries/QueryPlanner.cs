using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Explains a statement from pg_stat_statements' text (which has <c>$n</c> where constants were) without running
/// it: <c>EXPLAIN (FORMAT JSON)</c>, never ANALYZE, in a read-only transaction in the statement's own database,
/// under a statement timeout. PostgreSQL 16 and later plan it generically (<c>GENERIC_PLAN</c>, each <c>$n</c> an
/// untyped NULL); before 16 it is prepared with unknown parameter types and its generic plan
/// (<c>plan_cache_mode = force_generic_plan</c>) explained with NULLs, then deallocated. A statement that cannot be
/// explained gives the reason, never an exception.
/// </summary>
internal sealed partial class QueryPlanner
{
    private const string PreparedName = "pgmetrics_explain";

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
        var prepared = false;
        try
        {
            connection = await _connections.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            // Sent as marked statements (not BeginTransaction) so pg_stat_statements leaves them out of top queries too.
            await ExecuteAsync(connection, "BEGIN READ ONLY", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"SET LOCAL statement_timeout = {(long)_statementTimeout.TotalMilliseconds}", cancellationToken).ConfigureAwait(false);
            string plan;
            if (connection.PostgreSqlVersion.Major >= 16)
            {
                await using var explain = CollectorSql.Command("EXPLAIN (GENERIC_PLAN, FORMAT JSON) " + query, connection);
                for (var i = 0; i < HighestParameter(query); i++)
                {
                    explain.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value });
                }

                plan = (string)(await explain.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
            else
            {
                await ExecuteAsync(connection, "SET LOCAL plan_cache_mode = force_generic_plan", cancellationToken).ConfigureAwait(false);
                prepared = true;
                await ExecuteAsync(connection, $"PREPARE {PreparedName} AS {query}", cancellationToken).ConfigureAwait(false);
                await using var count = CollectorSql.Command($"SELECT coalesce(array_length(parameter_types, 1), 0) FROM pg_catalog.pg_prepared_statements WHERE name = '{PreparedName}'", connection);
                var parameters = (int)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                var nulls = parameters == 0 ? string.Empty : "(" + string.Join(", ", Enumerable.Repeat("NULL", parameters)) + ")";
                await using var explain = CollectorSql.Command($"EXPLAIN (FORMAT JSON) EXECUTE {PreparedName}{nulls}", connection);
                plan = (string)(await explain.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            return PlanOutcome.Explained(PlanObfuscator.Obfuscate(plan));
        }
        catch (PostgresException ex)
        {
            return PlanOutcome.Failed(ex.SqlState + ": " + ex.MessageText);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Text.Json.JsonException)
        {
            return PlanOutcome.Failed(ScrapeErrorClassifier.Classify(ex, "query_plan", database, _connections.Password).Message);
        }
        finally
        {
            if (connection is not null)
            {
                // Nothing of the explain may stay on a pooled connection: not the transaction, and not the prepared
                // statement, which outlives the transaction it was made in.
                if (connection.State == System.Data.ConnectionState.Open)
                {
                    await CleanUpAsync(connection, prepared).ConfigureAwait(false);
                }

                await connection.DisposeAsync().ConfigureAwait(false);
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

    /// <summary>The highest <c>$n</c> in the text: how many parameters the statement has.</summary>
    internal static int HighestParameter(string query)
    {
        var highest = 0;
        foreach (Match match in ParameterPattern().Matches(query))
        {
            if (int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                highest = Math.Max(highest, n);
            }
        }

        return highest;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Command(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CleanUpAsync(NpgsqlConnection connection, bool prepared)
    {
        try
        {
            await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            if (!prepared)
            {
                return;
            }

            await using var exists = CollectorSql.Command($"SELECT count(*) FROM pg_catalog.pg_prepared_statements WHERE name = '{PreparedName}'", connection);
            if ((long)(await exists.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))! > 0)
            {
                await ExecuteAsync(connection, "DEALLOCATE " + PreparedName, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // The connection is going away; a prepared statement dies with its session.
        }
    }

    [GeneratedRegex(@"\$(\d{1,5})(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();
}
