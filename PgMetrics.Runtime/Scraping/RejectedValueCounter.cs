namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Counts values a query returned that its metadata does not declare (a text outside an enum attribute's
/// declared values), per query column. The values themselves are never kept: they may be anything the
/// server returned. A row with such a value records no point for the metrics that need the attribute.
/// </summary>
public sealed class RejectedValueCounter
{
    private readonly Dictionary<(string Query, string Column), int> _counts = [];

    /// <summary>Notes one undeclared value of <paramref name="column"/> in <paramref name="query"/>; called by generated row mappers.</summary>
    /// <param name="query">The query's name in metadata.yaml.</param>
    /// <param name="column">The column's name in metadata.yaml.</param>
    public void Count(string query, string column)
    {
        var key = (query, column);
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
    }

    /// <summary>Whether nothing was counted.</summary>
    public bool IsEmpty => _counts.Count == 0;

    /// <summary>What was counted, as scrape problems of <paramref name="database"/> (null for instance-wide queries).</summary>
    public IEnumerable<RejectedValue> ToProblems(string? database)
        => _counts.Select(c => new RejectedValue(c.Key.Query, c.Key.Column, database, c.Value));

    /// <summary>Forgets everything, for the next scrape.</summary>
    public void Clear() => _counts.Clear();
}
