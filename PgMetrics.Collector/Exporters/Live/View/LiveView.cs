using PgMetrics.Collector.Exporters.Live.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>
/// The whole view as one renderable for a given width: the collector's health line first (so it stays on a
/// short screen), then per server its title, the server-wide lines, the databases, the top statements, and
/// waits and blocked sessions. Every line fits the width; what does not fit is left out, never wrapped.
/// </summary>
internal static class LiveView
{
    /// <summary>Builds the view of <paramref name="model"/>.</summary>
    /// <param name="model">What the exporter took so far.</param>
    /// <param name="health">The collector's health now.</param>
    /// <param name="width">The terminal's width in characters.</param>
    /// <param name="nowUnixNano">Now, in Unix nanoseconds: query monitoring figures older than one and a half intervals are no longer shown.</param>
    /// <param name="topQueries">The most statements listed.</param>
    /// <param name="unicode">Whether the terminal shows block characters (sparklines, bars).</param>
    /// <param name="problems">The latest warnings the collector logged, newest last.</param>
    public static IRenderable Build(LiveModel model, HealthFigures health, int width, long nowUnixNano, int topQueries, bool unicode, IReadOnlyList<string> problems)
    {
        width = Math.Max(width, 20);
        var lines = new List<IRenderable> { HealthLine.Build(health, width, unicode) };
        lines.AddRange(problems.Select(problem => new Text(Units.Cut(problem, width), new Style(Color.Yellow))));
        if (model.Servers.Count == 0)
        {
            lines.Add(new Text(Units.Cut("waiting for the first scrape…", width), new Style(Color.Grey)));
        }

        foreach (var server in model.Servers)
        {
            var interval = server.IntervalSeconds ?? 60;
            var fresh = server.QueriesUnixNano > 0 && (nowUnixNano - server.QueriesUnixNano) / 1e9 <= (interval * 1.5) + 2;
            lines.Add(Text.Empty);
            lines.Add(ServerPane.Title(server, width));
            lines.AddRange(ServerPane.Build(server, width, unicode));
            lines.Add(Text.Empty);
            lines.Add(DatabaseTable.Build(server, width, unicode));
            lines.Add(Text.Empty);
            lines.AddRange(StatementPanes.TopStatements(server, width, topQueries, fresh));
            lines.Add(Text.Empty);
            lines.AddRange(StatementPanes.WaitsAndBlocked(server, width, fresh));
        }

        return new Rows(lines);
    }
}
