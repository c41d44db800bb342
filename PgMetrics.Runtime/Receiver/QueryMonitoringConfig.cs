using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Queries;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// Reads the receiver's query monitoring keys as the OpenTelemetry postgresql receiver has them (<c>events</c>,
/// <c>query_sample_collection</c>, <c>top_query_collection</c>, defaults included), and PgMetrics' older
/// <c>query_monitoring</c> block as an alias of them: <c>enabled</c> turns both events on and <c>top_n</c> is
/// <c>top_n_query</c>; <c>long_running_threshold</c> has no counterpart and is an error that says what to do instead.
/// </summary>
internal static class QueryMonitoringConfig
{
    /// <summary>The event names under <c>events</c>.</summary>
    public static readonly string[] EventKeys = [DbServerEvents.QuerySample, DbServerEvents.TopQuery];

    private static readonly string[] EventSettingKeys = ["enabled"];
    private static readonly string[] QuerySampleKeys = ["max_rows_per_query"];
    private static readonly string[] TopQueryKeys = ["top_n_query", "max_rows_per_query", "max_explain_each_interval", "query_plan_cache_size", "query_plan_cache_ttl", "collection_interval"];
    private static readonly string[] AliasKeys = ["enabled", "top_n", "long_running_threshold"];

    /// <summary>
    /// Reads the keys of a receiver block, or of an item of a targets file; mistakes go to the block's errors. A key
    /// not given keeps its value in <paramref name="defaults"/> (a target list's own keys), else PgMetrics' default.
    /// </summary>
    public static QueryMonitoringOptions Read(ConfigSection block, QueryMonitoringOptions? defaults = null)
    {
        var events = block.Section("events", EventKeys);
        var sampling = block.Section("query_sample_collection", QuerySampleKeys);
        var top = block.Section("top_query_collection", TopQueryKeys);
        var sampleDefaults = defaults?.QuerySample ?? new QuerySampleOptions();
        var topDefaults = defaults?.TopQuery ?? new TopQueryOptions();
        var options = new QueryMonitoringOptions
        {
            QuerySample = new QuerySampleOptions
            {
                Enabled = events.Section(DbServerEvents.QuerySample, EventSettingKeys).Bool("enabled") ?? sampleDefaults.Enabled,
                MaxRowsPerQuery = sampling.Int("max_rows_per_query", minimum: 1) ?? sampleDefaults.MaxRowsPerQuery,
            },
            TopQuery = new TopQueryOptions
            {
                Enabled = events.Section(DbServerEvents.TopQuery, EventSettingKeys).Bool("enabled") ?? topDefaults.Enabled,
                TopNQuery = top.Int("top_n_query", minimum: 1) ?? topDefaults.TopNQuery,
                MaxRowsPerQuery = top.Int("max_rows_per_query", minimum: 1) ?? topDefaults.MaxRowsPerQuery,
                MaxExplainEachInterval = top.Int("max_explain_each_interval", minimum: 0) ?? topDefaults.MaxExplainEachInterval,
                QueryPlanCacheSize = top.Int("query_plan_cache_size", minimum: 1) ?? topDefaults.QueryPlanCacheSize,
                QueryPlanCacheTtl = top.Duration("query_plan_cache_ttl") ?? topDefaults.QueryPlanCacheTtl,
                CollectionInterval = top.Duration("collection_interval") ?? topDefaults.CollectionInterval,
            },
        };

        return block.Has("query_monitoring") ? ReadAlias(block, options) : options;
    }

    private static QueryMonitoringOptions ReadAlias(ConfigSection block, QueryMonitoringOptions options)
    {
        var alias = block.Section("query_monitoring", AliasKeys);
        if (block.Has("events") || block.Has("top_query_collection"))
        {
            block.Errors.Add(block.Child("query_monitoring"), "is the older spelling of events and top_query_collection; give one of the two: events: {db.server.query_sample: {enabled: true}, db.server.top_query: {enabled: true}} and top_query_collection: {top_n_query: N}");
            return options;
        }

        if (alias.Has("long_running_threshold"))
        {
            block.Errors.Add(alias.Child("long_running_threshold"), "is gone: every active session is now sampled as a db.server.query_sample event with its running time in postgresql.total_exec_time (milliseconds); remove the key and alert on that attribute (dashboards/alerts/long-running-queries.json)");
        }

        var enabled = alias.Bool("enabled") ?? false;
        return options with
        {
            QuerySample = options.QuerySample with { Enabled = enabled },
            TopQuery = options.TopQuery with { Enabled = enabled, TopNQuery = alias.Int("top_n", minimum: 1) ?? options.TopQuery.TopNQuery },
        };
    }
}
