using PgMetrics.Collector.Exporters.Live.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>
/// What query monitoring adds: the top statements by time spent in the last interval, sessions waiting by
/// wait event, and sessions blocked by another's lock. Side by side when the terminal is wide, one under
/// the other when it is not.
/// </summary>
internal static class StatementPanes
{
    private const int SideBySideFrom = 110;

    /// <summary>The top statements pane, its title saying what interval the figures cover.</summary>
    public static IEnumerable<IRenderable> TopStatements(ServerActivity server, int width, int rows, bool fresh)
    {
        var interval = server.IntervalSeconds;
        if (!fresh || server.QueryScrapes < 2 || interval is null)
        {
            yield return Title("top statements", width);
            yield return new Text(Units.Cut(server.QueryScrapes == 0
                ? "none yet: they need events.db.server.top_query on the receiver and pg_stat_statements in its database"
                : "no statement ran since the previous scrape", width), new Style(Color.Grey));
            yield break;
        }

        yield return Title($"top statements by time in the last {Units.Duration(interval)}", width);
        var table = new FittedTable()
            .Column("time", 2)
            .Column("calls/s", 1)
            .Column("mean", 3)
            .Column("database", 4, rightAligned: false)
            .Column("user", 6, rightAligned: false)
            .Column("statement", 0, rightAligned: false, flexibleMinimum: 16);
        foreach (var statement in server.TopStatements.Take(rows))
        {
            table.Row(
                Units.Duration(statement.TotalSeconds),
                Units.Number(statement.Calls / interval.Value),
                Units.Duration(statement.MeanSeconds),
                Units.Cut(statement.Database, 20),
                Units.Cut(statement.User, 16),
                OneLine(statement.Text));
        }

        yield return table.RowCount == 0 ? new Text("no statement ran since the previous scrape", new Style(Color.Grey)) : table.Build(width);
    }

    /// <summary>Waits and blocked sessions, side by side or stacked.</summary>
    public static IEnumerable<IRenderable> WaitsAndBlocked(ServerActivity server, int width, bool fresh)
    {
        var waits = fresh ? server.Waits : [];
        var blocked = fresh ? server.Blocked : [];
        if (width >= SideBySideFrom)
        {
            var half = (width - 2) / 2;
            var grid = new Grid().AddColumn(new GridColumn().Width(half).Padding(0, 0, 2, 0)).AddColumn(new GridColumn().Width(width - half - 2).Padding(0, 0, 0, 0));
            grid.AddRow(new Rows(Waits(waits, half)), new Rows(Blocked(blocked, width - half - 2)));
            yield return grid;
            yield break;
        }

        foreach (var line in Waits(waits, width).Concat(Blocked(blocked, width)))
        {
            yield return line;
        }
    }

    private static IEnumerable<IRenderable> Waits(IReadOnlyList<WaitActivity> waits, int width)
    {
        yield return Title($"waiting sessions: {waits.Sum(w => w.Sessions)}", width);
        if (waits.Count == 0)
        {
            yield break;
        }

        var table = new FittedTable().Column("wait event", 0, rightAligned: false).Column("sessions", 0);
        foreach (var wait in waits)
        {
            table.Row(wait.Type + ": " + wait.Name, Units.Count(wait.Sessions));
        }

        yield return table.Build(width);
    }

    private static IEnumerable<IRenderable> Blocked(IReadOnlyList<BlockedSession> blocked, int width)
    {
        yield return Title($"blocked sessions: {blocked.Select(b => b.Pid).Distinct().Count()}", width, blocked.Count > 0 ? Color.Red : null);
        if (blocked.Count == 0)
        {
            yield break;
        }

        var table = new FittedTable()
            .Column("pid", 0)
            .Column("waited", 1)
            .Column("blocked by", 0)
            .Column("statement", 2, rightAligned: false, flexibleMinimum: 12);
        foreach (var session in blocked)
        {
            table.Row(
                session.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new Cell(Units.Duration(session.WaitSeconds), ServerPane.Level(session.WaitSeconds, 5, 30)),
                session.BlockingPid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                OneLine(session.Text ?? session.Fingerprint));
        }

        yield return table.Build(width);
    }

    private static Text Title(string title, int width, Color? color = null)
        => new(Units.Cut(title, width), new Style(color ?? Color.Default, decoration: Decoration.Bold | Decoration.Underline));

    // Normalized text keeps the statement's line breaks; a row has one line.
    private static string OneLine(string text) => string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
