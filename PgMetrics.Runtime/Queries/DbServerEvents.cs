namespace PgMetrics.Runtime.Queries;

/// <summary>
/// The names of the OpenTelemetry postgresql receiver's two log events and their attributes, bit for bit as its
/// <c>metadata.yaml</c> and scraper emit them; New Relic turns the events into <c>DbServerQuerySample</c> and
/// <c>DbServerTopQuery</c>, which its database pages and quickstart dashboards read.
/// </summary>
public static class DbServerEvents
{
    /// <summary>The event of one sampled session (pg_stat_activity).</summary>
    public const string QuerySample = "db.server.query_sample";

    /// <summary>The event of one top statement (pg_stat_statements, deltas since the previous collection).</summary>
    public const string TopQuery = "db.server.top_query";

    /// <summary><c>db.system.name</c>, always <see cref="PostgresqlSystem"/>; New Relic's entity rule for logs reads it.</summary>
    public const string DbSystemName = "db.system.name";

    /// <summary>The value of <see cref="DbSystemName"/>.</summary>
    public const string PostgresqlSystem = "postgresql";

    /// <summary>The database (<c>datname</c>).</summary>
    public const string DbNamespace = "db.namespace";

    /// <summary>The statement with every literal replaced by a placeholder.</summary>
    public const string DbQueryText = "db.query.text";

    /// <summary>PgMetrics' fingerprint of the whole statement (16 hex digits), computed before any cut; beyond the receiver's attributes.</summary>
    public const string DbQueryFingerprint = "db.query.fingerprint";

    /// <summary>The plan's failure reason when <c>postgresql.query_plan</c> is empty because the statement could not be explained; beyond the receiver's attributes.</summary>
    public const string QueryPlanError = "pgmetrics.query_plan.error";
}
