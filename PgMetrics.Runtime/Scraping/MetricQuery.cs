using Npgsql;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// A query from metadata.yaml: its SQL per server version and the generated mapping from its rows
/// to data points. Generated code derives one class per query.
/// </summary>
public abstract class MetricQuery
{
    /// <summary>Called by generated code.</summary>
    protected MetricQuery(string name, QueryScope scope, IReadOnlyList<string> columns)
    {
        Name = name;
        Scope = scope;
        Columns = columns;
    }

    /// <summary>The query's name in metadata.yaml.</summary>
    public string Name { get; }

    /// <summary>Whether the query runs once per server or in every database.</summary>
    public QueryScope Scope { get; }

    /// <summary>The select list the row mapper reads by ordinal, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Whether any metric this query feeds is enabled; a query no one needs is not run.</summary>
    public abstract bool IsNeeded { get; }

    /// <summary>Extensions and settings the query needs; checked before it runs.</summary>
    public virtual QueryRequirements Requirements => QueryRequirements.None;

    /// <summary>The SQL for a server of this <c>server_version_num</c>, or null when the query does not apply to it.</summary>
    public abstract string? SelectSql(int serverVersionNum);

    /// <summary>
    /// Checks the result's columns against metadata.yaml once, then records every row.
    /// Returns null on success, or what is wrong with the result's shape.
    /// </summary>
    /// <param name="reader">The query's result, positioned before its first row.</param>
    /// <param name="buffer">Where the rows' data points go, under the buffer's current common resource attributes.</param>
    /// <param name="timeUnixNano">The points' timestamp, in Unix nanoseconds.</param>
    /// <param name="rejected">Counts values of enum columns that metadata.yaml does not declare.</param>
    public string? ReadResult(NpgsqlDataReader reader, MetricsBuffer buffer, long timeUnixNano, RejectedValueCounter rejected)
    {
        if (reader.FieldCount != Columns.Count)
        {
            return $"query '{Name}' returned {reader.FieldCount} columns, but metadata.yaml declares {Columns.Count} ({string.Join(", ", Columns)})";
        }

        for (var i = 0; i < Columns.Count; i++)
        {
            var actual = reader.GetName(i);
            if (!string.Equals(actual, Columns[i], StringComparison.Ordinal))
            {
                return $"query '{Name}' returned column '{actual}' at position {i + 1}, but metadata.yaml declares '{Columns[i]}' there";
            }
        }

        RecordRows(reader, buffer, timeUnixNano, rejected);
        return null;
    }

    /// <summary>Reads every row and records its data points at <paramref name="timeUnixNano"/> (Unix nanoseconds); generated.</summary>
    protected abstract void RecordRows(NpgsqlDataReader reader, MetricsBuffer buffer, long timeUnixNano, RejectedValueCounter rejected);
}
