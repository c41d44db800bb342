namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Remembers which scrape problems (failed and skipped queries, databases and locked relations left out, server
/// conditions such as a missing grant) were already reported, so a query the
/// monitoring role may not run, or one waiting for an extension, is logged once instead of every
/// interval. A problem that goes away is forgotten and reported as resolved; if it returns, it is
/// reported again. Failures still count in the self-metrics on every scrape.
/// </summary>
internal sealed class ScrapeProblemLog
{
    // Problem key -> what to say when it is gone.
    private readonly Dictionary<string, string> _open = new(StringComparer.Ordinal);

    /// <summary>Compares a scrape's problems with those already reported.</summary>
    /// <returns>The problems to report now, and the ones that no longer occur.</returns>
    public (IReadOnlyList<string> New, IReadOnlyList<string> Resolved) Update(ScrapeResult result)
    {
        var current = new Dictionary<string, (string Report, string Resolved)>(StringComparer.Ordinal);
        foreach (var error in result.Errors)
        {
            var where = (error.Query is null ? "the connection" : $"query '{error.Query}'") + (error.Database is null ? string.Empty : $" in database '{error.Database}'");
            current.TryAdd($"error|{error.Kind}|{error.Query}|{error.Database}", (error.ToString(), where + " works again"));
        }

        foreach (var skip in result.Skipped)
        {
            current.TryAdd($"skip|{skip.Query}|{skip.Database}|{skip.Reason}", (skip.ToString(), $"query '{skip.Query}' in database '{skip.Database}' runs again"));
        }

        foreach (var database in result.SkippedDatabases)
        {
            current.TryAdd($"database|{database.Database}|{database.Reason}", (database.ToString(), $"database '{database.Database}' is collected again"));
        }

        foreach (var relation in result.SkippedRelations)
        {
            // Keyed without the reason: a migration that stops waiting and takes its lock is the same problem.
            current.TryAdd($"relation|{relation.Database}|{relation.Schema}|{relation.Relation}", (relation.ToString(), $"relation {relation.Schema}.{relation.Relation} in database '{relation.Database}' is collected again"));
        }

        foreach (var rejected in result.RejectedValues)
        {
            current.TryAdd($"rejected|{rejected.Query}|{rejected.Column}|{rejected.Database}", (rejected.ToString(), $"query '{rejected.Query}' returns only declared values of '{rejected.Column}' again"));
        }

        foreach (var condition in result.Conditions)
        {
            current.TryAdd($"condition|{condition.Condition}|{string.Join(',', condition.Metrics)}", (condition.ToString(), $"no longer the case: {condition.Condition}"));
        }

        var fresh = new List<string>();
        foreach (var (key, problem) in current)
        {
            if (_open.TryAdd(key, problem.Resolved))
            {
                fresh.Add(problem.Report);
            }
        }

        var resolved = new List<string>();
        foreach (var key in _open.Keys.Where(key => !current.ContainsKey(key)).ToList())
        {
            resolved.Add(_open[key]);
            _open.Remove(key);
        }

        return (fresh, resolved);
    }
}
