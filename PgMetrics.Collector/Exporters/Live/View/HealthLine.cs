using System.Globalization;
using PgMetrics.Collector.Exporters.Live.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>The collector's own health in one line: the last scrape time and its trend, scrape errors, the export queue, points exported, failed and dropped.</summary>
internal static class HealthLine
{
    /// <summary>The line within <paramref name="width"/>.</summary>
    public static IRenderable Build(HealthFigures health, int width, bool unicode)
    {
        var line = new FittedLine()
            .Add(string.Empty, "pgmetrics", 0, new Style(Color.Aqua, decoration: Decoration.Bold))
            .Add("scrape", Units.Duration(health.ScrapeSeconds), 1)
            .Add(string.Empty, Sparkline.Render(health.ScrapeTrend, 10, unicode), 6, new Style(Color.Aqua))
            .Add("errors", health.LastError is { } last ? $"{Units.Count(health.ScrapeErrors)} (last {last.ToString("HH:mm:ss", CultureInfo.InvariantCulture)})" : "0", 2, health.ScrapeErrors > 0 ? new Style(Color.Red) : (Style?)null);
        if (health.Queue is { } queue)
        {
            line.Add("queue", $"{Units.Count(queue.Requests)} requests, {Units.Bytes(queue.Bytes)}", 3, queue.Requests > 0 ? new Style(Color.Yellow) : (Style?)null)
                .Add("exported", Units.Count(health.PointsExported) + " points", 4)
                .Add("failed", Units.Count(health.ExportFailures), 5, health.ExportFailures > 0 ? new Style(Color.Red) : (Style?)null)
                .Add("dropped", Units.Count(health.PointsDropped), 5, health.PointsDropped > 0 ? new Style(Color.Red) : (Style?)null);
        }

        return line.Build(width);
    }
}
