namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Rows of one scrape whose value in <paramref name="Column"/> metadata.yaml does not declare (an enum
/// attribute's unknown value); those rows recorded no points for the metrics that need the attribute.
/// </summary>
/// <param name="Query">The query's name in metadata.yaml.</param>
/// <param name="Column">The column whose value was not declared.</param>
/// <param name="Database">The database the query ran in, or null for instance-wide queries.</param>
/// <param name="Rows">How many rows had such a value.</param>
public sealed record RejectedValue(string Query, string Column, string? Database, int Rows)
{
    /// <inheritdoc/>
    public override string ToString()
        => $"query '{Query}'{(Database is null ? string.Empty : $" in database '{Database}'")} returned {Rows} row(s) whose '{Column}' is not a value metadata.yaml declares; their points were not recorded";
}
