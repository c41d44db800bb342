namespace PgMetrics.Metadata.Model;

/// <summary>A SQL query that feeds metrics, with its per-version variants, typed columns and what each row records.</summary>
/// <param name="Name">The query's key under <c>queries</c>, e.g. <c>database_stats</c>.</param>
/// <param name="ClassName">The C# class generated for the query, e.g. <c>DatabaseStatsQuery</c>.</param>
/// <param name="RowTypeName">The C# row struct generated for the query, e.g. <c>DatabaseStatsRow</c>.</param>
/// <param name="Scope">Whether the query runs once per server or in every database.</param>
/// <param name="Variants">The SQL per range of <c>server_version_num</c>, lowest <see cref="SqlVariantSpec.MinVersion"/> first.</param>
/// <param name="Columns">The select list, in order; rows are read by ordinal.</param>
/// <param name="Requirements">The extensions and settings the query needs (<c>requires</c>).</param>
/// <param name="Metrics">The metrics the query feeds, each once, in metadata.yaml order.</param>
/// <param name="Recordings">Every data point a row yields: per metric (in metadata.yaml order), one per source in this query.</param>
public sealed record QuerySpec(
    string Name,
    string ClassName,
    string RowTypeName,
    QueryScope Scope,
    ImmutableEquatableArray<SqlVariantSpec> Variants,
    ImmutableEquatableArray<ColumnSpec> Columns,
    QueryRequirementsSpec Requirements,
    ImmutableEquatableArray<MetricRef> Metrics,
    ImmutableEquatableArray<RecordingSpec> Recordings);
