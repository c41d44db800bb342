namespace PgMetrics.Metadata.Model;

/// <summary>Where a query runs (<c>scope:</c>).</summary>
public enum QueryScope
{
    /// <summary>Once per server, on the connection's own database (<c>instance</c>, the default).</summary>
    Instance,

    /// <summary>Once in every database selected for collection (<c>per_database</c>).</summary>
    PerDatabase,
}
