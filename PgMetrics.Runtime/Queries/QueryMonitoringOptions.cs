namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Query monitoring, as the OpenTelemetry postgresql receiver's <c>events</c>, <c>query_sample_collection</c>
/// and <c>top_query_collection</c>: each event is off by default and runs as a scraper of its own.
/// </summary>
public sealed record QueryMonitoringOptions
{
    /// <summary><c>db.server.query_sample</c> events from pg_stat_activity (and the <c>postgresql.wait_events</c> metric).</summary>
    public QuerySampleOptions QuerySample { get; init; } = new();

    /// <summary><c>db.server.top_query</c> events from pg_stat_statements, with plans (and the <c>postgresql.query.*</c> metrics).</summary>
    public TopQueryOptions TopQuery { get; init; } = new();

    /// <summary>Whether either event is collected.</summary>
    public bool Enabled => QuerySample.Enabled || TopQuery.Enabled;
}

/// <summary><c>events.db.server.query_sample.enabled</c> and <c>query_sample_collection</c>.</summary>
public sealed record QuerySampleOptions
{
    /// <summary>Whether sessions are sampled (<c>events.db.server.query_sample.enabled</c>). Default false, as the receiver's.</summary>
    public bool Enabled { get; init; }

    /// <summary>The most pg_stat_activity rows read per sample (<c>max_rows_per_query</c>). Default 1,000.</summary>
    public int MaxRowsPerQuery { get; init; } = 1000;
}

/// <summary><c>events.db.server.top_query.enabled</c> and <c>top_query_collection</c>.</summary>
public sealed record TopQueryOptions
{
    /// <summary>Whether top queries are reported (<c>events.db.server.top_query.enabled</c>). Default false, as the receiver's.</summary>
    public bool Enabled { get; init; }

    /// <summary>How many statements, by execution time since the previous collection, are reported (<c>top_n_query</c>). Default 200.</summary>
    public int TopNQuery { get; init; } = 200;

    /// <summary>
    /// The most pg_stat_statements entries considered per collection (<c>max_rows_per_query</c>): of the entries that ran
    /// since the previous collection, those that spent the most execution time in it; their texts are read once and
    /// cached (twice this many at most). Every entry's counters are read regardless. Default 1,000.
    /// </summary>
    public int MaxRowsPerQuery { get; init; } = 1000;

    /// <summary>The most statements explained per collection (<c>max_explain_each_interval</c>); the rest wait for a later one. Default 1,000.</summary>
    public int MaxExplainEachInterval { get; init; } = 1000;

    /// <summary>How many plans are kept (<c>query_plan_cache_size</c>). Default 1,000.</summary>
    public int QueryPlanCacheSize { get; init; } = 1000;

    /// <summary>How long a plan is kept before the statement is explained again (<c>query_plan_cache_ttl</c>). Default 1 hour.</summary>
    public TimeSpan QueryPlanCacheTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Time between collections (<c>top_query_collection.collection_interval</c>); zero means the receiver's <c>collection_interval</c>.</summary>
    public TimeSpan CollectionInterval { get; init; } = TimeSpan.Zero;
}
