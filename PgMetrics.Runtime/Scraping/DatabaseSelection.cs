namespace PgMetrics.Runtime.Scraping;

/// <summary>Applies <c>databases</c> and <c>exclude_databases</c> to the databases a server has.</summary>
public static class DatabaseSelection
{
    /// <summary>The databases to collect from, in the server's order.</summary>
    /// <param name="available">The databases that exist (every row of pg_database).</param>
    /// <param name="include">Databases to collect from; empty means all.</param>
    /// <param name="exclude">Databases never collected from.</param>
    public static IReadOnlyList<string> Select(IReadOnlyList<string> available, IReadOnlyList<string> include, IReadOnlyList<string> exclude)
        => available
            .Where(name => include.Count == 0 || include.Contains(name, StringComparer.Ordinal))
            .Where(name => !exclude.Contains(name, StringComparer.Ordinal))
            .ToList();
}
