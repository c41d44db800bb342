using System.Globalization;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;
using Spectre.Console;

namespace PgMetrics.Collector.Output;

/// <summary>Shows a scrape's data points as a table, for people at a terminal.</summary>
internal sealed class MetricsTableWriter(IAnsiConsole console)
{
    // Piped output has no terminal width; Spectre would assume 80 columns and wrap every row.
    private const int RedirectedWidth = 160;

    public static MetricsTableWriter ForStandardOutput()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return new MetricsTableWriter(console);
    }

    public void Write(MetricsBuffer buffer, ScrapeResult result)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Metric")
            .AddColumn("Resource")
            .AddColumn("Attributes")
            .AddColumn(new TableColumn("Value").RightAligned())
            .AddColumn("Unit");

        var points = buffer.Points.ToArray();
        foreach (var point in points.OrderBy(p => p.Metric.Name, StringComparer.Ordinal).ThenBy(p => FormatAttributes(buffer.Resources[p.ResourceIndex]), StringComparer.Ordinal))
        {
            table.AddRow(
                Markup.Escape(point.Metric.Name),
                Markup.Escape(FormatAttributes(buffer.Resources[point.ResourceIndex])),
                Markup.Escape(FormatAttributes(buffer.GetAttributes(point).ToArray())),
                FormatValue(point),
                Markup.Escape(point.Metric.Unit));
        }

        var version = result.ServerVersionNum == 0 ? "unknown version" : "server_version_num " + result.ServerVersionNum.ToString(CultureInfo.InvariantCulture);
        table.Caption($"{result.PointsRecorded} points from {result.QueriesRun} queries in {result.Duration.TotalMilliseconds:F0} ms ({version})");
        console.Write(table);
        foreach (var error in result.Errors)
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {error.ToString()}");
        }

        foreach (var skipped in result.Skipped)
        {
            console.MarkupLineInterpolated($"[grey]skipped:[/] {skipped.ToString()}");
        }
    }

    private static string FormatAttributes(IReadOnlyList<KeyValue> attributes)
        => string.Join(", ", attributes.Select(a => a.ToString()));

    private static string FormatValue(DataPoint point)
        => point.Metric.ValueType == MetricValueType.Int
            ? point.IntValue.ToString("N0", CultureInfo.InvariantCulture)
            : point.DoubleValue.ToString("G6", CultureInfo.InvariantCulture);
}
