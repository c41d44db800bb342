using System.Globalization;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;
using Spectre.Console;

namespace PgMetrics.Collector.Exporters.Console;

/// <summary>Shows data points as a table, for people at a terminal.</summary>
internal sealed class MetricsTableWriter(IAnsiConsole console)
{
    // Piped output has no terminal width; Spectre would assume 80 columns and wrap every row.
    private const int RedirectedWidth = 160;

    /// <summary>The most rows one table holds; more points are written as further tables.</summary>
    private const int RowsPerTable = 1_000;

    /// <summary>A writer to standard output, 160 columns wide when the output is not a terminal.</summary>
    public static MetricsTableWriter ForStandardOutput()
    {
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return new MetricsTableWriter(console);
    }

    /// <summary>Writes a line of plain text (no markup).</summary>
    public void WriteLine(string text) => console.WriteLine(text);

    /// <summary>
    /// Writes every point, sorted by metric and resource, with <paramref name="caption"/> under the last
    /// table. Points go out in tables of at most <see cref="RowsPerTable"/> rows: Spectre lays out a whole
    /// table in memory before writing it, which for 200,000 points (10,000 tables, all collected) took
    /// minutes and gigabytes.
    /// </summary>
    public void Write(MetricsBuffer buffer, string caption)
    {
        var points = buffer.Points.ToArray();
        var sorted = points
            .Select(p => (Point: p, Resource: FormatAttributes(buffer.Resources[p.ResourceIndex])))
            .OrderBy(p => p.Point.Metric.Name, StringComparer.Ordinal).ThenBy(p => p.Resource, StringComparer.Ordinal)
            .ToList();
        for (var start = 0; start < sorted.Count || start == 0; start += RowsPerTable)
        {
            var table = NewTable();
            foreach (var (point, resource) in sorted.Skip(start).Take(RowsPerTable))
            {
                table.AddRow(
                    Markup.Escape(point.Metric.Name),
                    Markup.Escape(resource),
                    Markup.Escape(FormatAttributes(buffer.GetAttributes(point).ToArray())),
                    FormatValue(point),
                    Markup.Escape(point.Metric.Unit));
            }

            if (start + RowsPerTable >= sorted.Count)
            {
                table.Caption(Markup.Escape(caption));
            }

            console.Write(table);
        }
    }

    private static Table NewTable() => new Table().Border(TableBorder.Rounded)
        .AddColumn("Metric")
        .AddColumn("Resource")
        .AddColumn("Attributes")
        .AddColumn(new TableColumn("Value").RightAligned())
        .AddColumn("Unit");

    /// <summary>Writes a scrape's points with its figures as the caption, then its problems.</summary>
    public void Write(ScrapeResult result)
    {
        var version = result.ServerVersionNum == 0 ? "unknown version" : "server_version_num " + result.ServerVersionNum.ToString(CultureInfo.InvariantCulture);
        Write(result.Metrics, $"{result.PointsRecorded} points from {result.QueriesRun} queries in {result.Duration.TotalMilliseconds:F0} ms ({version})");
        foreach (var error in result.Errors)
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {error.ToString()}");
        }

        foreach (var skipped in result.Skipped)
        {
            console.MarkupLineInterpolated($"[grey]skipped:[/] {skipped.ToString()}");
        }

        foreach (var rejected in result.RejectedValues)
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {rejected.ToString()}");
        }
    }

    private static string FormatAttributes(IReadOnlyList<KeyValue> attributes)
        => string.Join(", ", attributes.Select(a => a.ToString()));

    private static string FormatValue(DataPoint point)
        => point.Metric.ValueType == MetricValueType.Int
            ? point.IntValue.ToString("N0", CultureInfo.InvariantCulture)
            : point.DoubleValue.ToString("G6", CultureInfo.InvariantCulture);
}
