namespace PgMetrics.Collector.Migration;

/// <summary>A metadata.yaml made from another tool's custom query file, before it is written out.</summary>
/// <param name="Type">The file's <c>type</c>.</param>
/// <param name="Comment">A comment written at the top: where the file came from.</param>
/// <param name="Attributes">The data point attributes, in the order first used.</param>
/// <param name="Metrics">The metrics, in the order of the source file.</param>
/// <param name="Queries">The queries, in the order of the source file.</param>
internal sealed record ConvertedMetadata(string Type, string Comment, IReadOnlyList<ConvertedAttribute> Attributes, IReadOnlyList<ConvertedMetric> Metrics, IReadOnlyList<ConvertedQuery> Queries);

/// <summary>A string attribute (a Prometheus label).</summary>
internal sealed record ConvertedAttribute(string Name, string Description);

/// <summary>A metric read from one column of one query.</summary>
/// <param name="Name">The metric name.</param>
/// <param name="Description">What it measures.</param>
/// <param name="Unit">The UCUM unit.</param>
/// <param name="IsCounter">A monotonic cumulative sum when true, a gauge otherwise.</param>
/// <param name="Query">The query it is read from.</param>
/// <param name="Column">The column holding its value.</param>
/// <param name="Attributes">Its attributes, each set by the query column of the same name.</param>
internal sealed record ConvertedMetric(string Name, string Description, string Unit, bool IsCounter, string Query, string Column, IReadOnlyList<string> Attributes);

/// <summary>A query with its select list.</summary>
/// <param name="Name">The query name.</param>
/// <param name="Sql">The SQL, unchanged.</param>
/// <param name="MinVersion">The lowest <c>server_version_num</c> it runs on, or null for any.</param>
/// <param name="MaxVersion">The highest <c>server_version_num</c> it runs on, or null for any.</param>
/// <param name="Columns">The select list, in order.</param>
internal sealed record ConvertedQuery(string Name, string Sql, int? MinVersion, int? MaxVersion, IReadOnlyList<ConvertedColumn> Columns);

/// <summary>A column of a query's select list.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The metadata.yaml type: <c>string</c> or <c>double</c>.</param>
/// <param name="Attribute">The attribute it sets, or null.</param>
internal sealed record ConvertedColumn(string Name, string Type, string? Attribute);
