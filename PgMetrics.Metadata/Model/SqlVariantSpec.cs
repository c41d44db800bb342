namespace PgMetrics.Metadata.Model;

/// <summary>SQL text for servers whose <c>server_version_num</c> is in [<see cref="MinVersion"/>, <see cref="MaxVersion"/>].</summary>
/// <param name="MinVersion">The lowest <c>server_version_num</c> the SQL runs on; 0 when any.</param>
/// <param name="MaxVersion">The highest <c>server_version_num</c> the SQL runs on; null when there is no upper bound.</param>
/// <param name="Sql">The SQL text.</param>
public sealed record SqlVariantSpec(int MinVersion, int? MaxVersion, string Sql);
