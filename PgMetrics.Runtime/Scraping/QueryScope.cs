namespace PgMetrics.Runtime.Scraping;

/// <summary>Where a query runs.</summary>
public enum QueryScope
{
    /// <summary>Once per server, on the connection's own database.</summary>
    Instance,

    /// <summary>Once in every database selected for collection.</summary>
    PerDatabase,
}
