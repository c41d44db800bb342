using Npgsql;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Runs one of a query scraper's statements so that its failure is a value: points it recorded before failing are
/// rolled back (a statement's metrics are all or nothing) and the error, scrubbed of the password, is added.
/// </summary>
internal static class QueryGuard
{
    /// <summary>Runs <paramref name="collect"/>; never throws for a failure of the server or the statement.</summary>
    /// <param name="name">The statement's name in errors and self-metrics, e.g. <c>top_queries</c>.</param>
    /// <param name="connection">The connection it runs on, whose database names it in errors.</param>
    /// <param name="buffer">The buffer to roll back on failure.</param>
    /// <param name="errors">Where the failure goes.</param>
    /// <param name="password">Scrubbed from the error message.</param>
    /// <param name="collect">The work.</param>
    public static async Task RunAsync(string name, NpgsqlConnection connection, MetricsBuffer buffer, List<ScrapeError> errors, string? password, Func<Task> collect)
    {
        var checkpoint = buffer.Checkpoint();
        try
        {
            await collect().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidCastException or OperationCanceledException or IOException)
        {
            buffer.RollbackTo(checkpoint);
            errors.Add(ScrapeErrorClassifier.Classify(ex, name, connection.Database, password));
        }
    }
}
