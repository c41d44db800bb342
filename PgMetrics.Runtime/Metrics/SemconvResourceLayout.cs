namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// The OpenTelemetry postgresql receiver's <c>receiver.postgresql.useOTelSemconv</c> layout: one resource per
/// server (its <c>server.address</c>, <c>server.port</c> and <c>service.instance.id</c>) instead of one per database,
/// table and index, with what named the entity moved onto each point as the semantic conventions name it:
/// <c>db.namespace</c> (the database, or <c>database|schema</c> where a schema is known, as the receiver's
/// <c>formatNamespace</c>), <c>db.collection.name</c> (the table) and <c>postgresql.index.name</c>.
/// </summary>
public static class SemconvResourceLayout
{
    /// <summary>The point attribute naming the database (and schema), in the semantic conventions.</summary>
    public const string NamespaceAttribute = "db.namespace";

    /// <summary>The point attribute naming the table, in the semantic conventions.</summary>
    public const string CollectionAttribute = "db.collection.name";

    private const string Database = "postgresql.database.name";
    private const string Schema = "postgresql.schema.name";
    private const string Table = "postgresql.table.name";
    private const string Index = "postgresql.index.name";

    /// <summary>
    /// Writes every point of <paramref name="source"/> into <paramref name="target"/> under the one resource of
    /// <paramref name="target"/>'s <see cref="MetricsBuffer.CommonResourceAttributes"/> (the server's identity).
    /// Resource attributes other than the server's and the four entity names stay with the point, under their own
    /// names, so series that were apart stay apart.
    /// </summary>
    /// <param name="source">The scrape in the legacy per-entity layout; left unchanged.</param>
    /// <param name="target">Cleared, then filled; its common resource attributes are the server's identity.</param>
    public static void Rewrite(MetricsBuffer source, MetricsBuffer target)
    {
        target.Clear();
        target.StartTimeUnixNano = source.StartTimeUnixNano;
        target.BeginResource();
        target.EndResource();
        var server = new HashSet<string>(target.CommonResourceAttributes.Select(attribute => attribute.Key), StringComparer.Ordinal);
        var moved = new KeyValue[source.Resources.Count][];
        var attributes = new List<KeyValue>();
        foreach (ref readonly var point in source.Points)
        {
            moved[point.ResourceIndex] ??= PointAttributesOf(source.Resources[point.ResourceIndex], server);
            attributes.Clear();
            attributes.AddRange(moved[point.ResourceIndex]);
            attributes.AddRange(source.GetAttributes(point));
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(attributes);
            if (point.Metric.Kind == MetricKind.Histogram)
            {
                target.AddHistogramPoint(point.Metric, point.TimeUnixNano, point.HistogramCount, point.HistogramSum, source.GetExplicitBounds(point), source.GetBucketCounts(point), span);
            }
            else
            {
                target.AddPointToResource(0, point.Metric, point.TimeUnixNano, point.IntValue, point.DoubleValue, span);
            }
        }
    }

    /// <summary>
    /// A scrape in the layout its receiver uses: <paramref name="recorded"/> itself when <paramref name="semconv"/> is
    /// null (the legacy model), else rewritten into <paramref name="semconv"/>.
    /// </summary>
    public static MetricsBuffer InLayout(MetricsBuffer recorded, MetricsBuffer? semconv)
    {
        if (semconv is null)
        {
            return recorded;
        }

        Rewrite(recorded, semconv);
        return semconv;
    }

    /// <summary>The point attributes a legacy resource becomes.</summary>
    private static KeyValue[] PointAttributesOf(KeyValue[] resource, HashSet<string> server)
    {
        string? database = null, schema = null;
        var result = new List<KeyValue>(resource.Length);
        foreach (var attribute in resource)
        {
            switch (attribute.Key)
            {
                case var key when server.Contains(key):
                    break;
                case Database:
                    database = attribute.StringValue;
                    break;
                case Schema:
                    schema = attribute.StringValue;
                    break;
                case Table:
                    result.Add(KeyValue.String(CollectionAttribute, attribute.StringValue));
                    break;
                case Index:
                    result.Add(attribute);
                    break;
                default:
                    result.Add(attribute);
                    break;
            }
        }

        if (database is not null)
        {
            result.Insert(0, KeyValue.String(NamespaceAttribute, string.IsNullOrEmpty(schema) ? database : database + "|" + schema));
        }
        else if (schema is not null)
        {
            result.Add(KeyValue.String(Schema, schema));
        }

        return [.. result];
    }
}
