using System.Globalization;
using Npgsql;
using PgMetrics.Metadata.Interpreter;
using PgMetrics.Metadata.Parsing;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>A recorded point as text and numbers, with its resource and attributes in recording order, for comparing two metric sets.</summary>
public sealed record RecordedPoint(string Metric, string Resource, string Attributes, long IntValue, double DoubleValue, long TimeUnixNano)
{
    public static IReadOnlyList<RecordedPoint> From(MetricsBuffer buffer)
        => [.. buffer.Points.ToArray().Select(p => new RecordedPoint(
            p.Metric.Name,
            string.Join(", ", buffer.Resources[p.ResourceIndex].Select(a => a.ToString())),
            string.Join(", ", buffer.GetAttributes(p).ToArray().Select(a => a.Kind + ":" + a)),
            p.IntValue,
            p.DoubleValue,
            p.TimeUnixNano))];

    /// <summary>The series: what identifies the point, without its value and time.</summary>
    public string Series => Metric + " [" + Resource + "] {" + Attributes + "}";
}

/// <summary>What one query recorded from one result: its shape error, points and rejected enum values.</summary>
public sealed record QueryReading(string? ShapeError, IReadOnlyList<RecordedPoint> Points, IReadOnlyList<RejectedValue> Rejected)
{
    public bool Equals(QueryReading? other)
        => other is not null && ShapeError == other.ShapeError && Points.SequenceEqual(other.Points) && Rejected.SequenceEqual(other.Rejected);

    public override int GetHashCode() => HashCode.Combine(ShapeError, Points.Count, Rejected.Count);

    public override string ToString()
        => $"error: {ShapeError ?? "none"}; rejected: [{string.Join(", ", Rejected)}]\n  " + string.Join("\n  ", Points);
}

/// <summary>Builds interpreted metric sets from the repository's metadata files and compares them with the generated ones.</summary>
public static class MetricSetComparison
{
    /// <summary>The metric set read at run time from a metadata.yaml of the repository; fails on any diagnostic.</summary>
    public static InterpretedMetricSet Interpret(string repositoryRelativePath)
    {
        var path = Path.Combine(RepositoryPaths.Root, repositoryRelativePath);
        var parsed = MetadataParser.Parse(File.ReadAllText(path), path);
        Assert.True(parsed.Spec is not null, string.Join("\n", parsed.Diagnostics));
        return new InterpretedMetricSet(parsed.Spec);
    }

    /// <summary>Turns every metric of the set on, so every query runs.</summary>
    public static TSet EnableAll<TSet>(TSet set)
        where TSet : MetricSet
    {
        foreach (var metric in set.Metrics)
        {
            set.FindMetric(metric.Name)!.Enabled = true;
        }

        return set;
    }

    /// <summary>
    /// Runs the query's SQL once into a temporary table, then gives each metric set the same rows from it:
    /// statistics, sizes and pg_stat_statements totals move between two runs of the SQL (the first run
    /// alone adds to them), while a copy of one result holds still. The copy keeps the result's column
    /// names, types and order, which is all the row readers see.
    /// </summary>
    public static async Task<(QueryReading Generated, QueryReading Interpreted)> ReadBothAsync(
        NpgsqlConnection connection, MetricQuery generated, MetricQuery interpreted, string sql, string database, CancellationToken cancellationToken)
    {
        // The SQL's parameters become literals: PostgreSQL takes no bind parameters in CREATE TABLE AS.
        var literalSql = sql
            .Replace("@" + QueryParameters.Databases, "ARRAY['" + database + "']::text[]", StringComparison.Ordinal)
            .Replace("@" + QueryParameters.RelationLimit, "100", StringComparison.Ordinal);
        await ExecuteAsync(connection, "DROP TABLE IF EXISTS pg_temp.one_result; CREATE TEMPORARY TABLE one_result AS " + literalSql, cancellationToken);
        return (await ReadAsync(connection, generated, cancellationToken), await ReadAsync(connection, interpreted, cancellationToken));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<QueryReading> ReadAsync(NpgsqlConnection connection, MetricQuery query, CancellationToken cancellationToken)
    {
        // A fresh heap returns its rows in insertion order, the order the query produced them.
        await using var command = new NpgsqlCommand("SELECT * FROM pg_temp.one_result", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var buffer = new MetricsBuffer();
        var rejected = new RejectedValueCounter();
        var shapeError = query.ReadResult(reader, buffer, 1_000_000_000L, rejected);
        return new QueryReading(shapeError, RecordedPoint.From(buffer), [.. rejected.ToProblems(connection.Database)]);
    }

    /// <summary>The server versions where a variant starts or ends, and one on each side, plus versions outside every range.</summary>
    public static IReadOnlyList<int> VersionsToProbe(InterpretedMetricSet set)
        => [.. set.Spec.Queries.SelectMany(q => q.Variants)
            .SelectMany(v => new[] { v.MinVersion - 1, v.MinVersion, v.MinVersion + 1 }.Concat(v.MaxVersion is { } max ? [max - 1, max, max + 1] : []))
            .Concat(Enumerable.Range(9, 11).Select(major => major * 10000))
            .Append(999999)
            .Where(v => v >= 0)
            .Distinct()
            .Order()];

    public static string Describe(MetricDescriptor d)
        => string.Join(" | ", d.Name, d.Description, d.Unit, d.Kind, d.ValueType, d.IsMonotonic, d.Temporality);

    public static string Describe(MetricQuery q)
        => string.Join(" | ", q.Name, q.Scope, string.Join(",", q.Columns), q.IsNeeded, string.Join(",", q.Requirements.Extensions),
            string.Join(",", q.Requirements.Settings.Select(s => s.Name + "=" + string.Join("/", s.AcceptedValues))));

    public static string Versioned(MetricQuery q, int version)
        => q.Name + "@" + version.ToString(CultureInfo.InvariantCulture) + ": " + (q.SelectSql(version) ?? "(none)");
}
