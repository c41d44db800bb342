using PgMetrics.Collector.Exporters.Live.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>
/// One row per database: commits and rollbacks per second with the transaction trend, cache hit ratio,
/// sessions by state, the oldest transaction, deadlocks, temporary bytes and wraparound age. Columns
/// are left out from the right of this list when the terminal is narrow.
/// </summary>
internal static class DatabaseTable
{
    private const int NameWidth = 24;
    private const int TrendWidth = 10;

    /// <summary>The table within <paramref name="width"/>.</summary>
    public static IRenderable Build(ServerActivity server, int width, bool unicode)
    {
        var table = new FittedTable()
            .Column("database", 0, rightAligned: false)
            .Column("commit/s", 1)
            .Column("rollback/s", 2)
            .Column("trend", 6, rightAligned: false)
            .Column("hit", 3)
            .Column("active", 4)
            .Column("idle", 9)
            .Column("idle in tx", 5)
            .Column("oldest tx", 7)
            .Column("deadlocks", 8)
            .Column("temp/s", 10)
            .Column("xid age", 11);
        foreach (var database in server.Databases)
        {
            table.Row(
                Units.Cut(database.Name, NameWidth),
                Units.Number(database.CommitsPerSecond),
                new Cell(Units.Number(database.RollbacksPerSecond), database.RollbacksPerSecond > 0 ? new Style(Color.Yellow) : (Style?)null),
                new Cell(Sparkline.Render(database.TransactionTrend.Values, TrendWidth, unicode), new Style(Color.Aqua)),
                new Cell(Units.Percent(database.CacheHitRatio), database.CacheHitRatio is { } hit ? ServerPane.Level(1 - hit, 0.01, 0.1) : null),
                Units.Count(database.SessionsIn("active")),
                Units.Count(database.SessionsIn("idle")),
                new Cell(Units.Count(database.SessionsIn("idle in transaction", "idle in transaction (aborted)")), ServerPane.Level(database.SessionsIn("idle in transaction", "idle in transaction (aborted)"), 1, 5)),
                new Cell(Units.Duration(database.OldestTransactionSeconds), ServerPane.Level(database.OldestTransactionSeconds, 60, 600)),
                new Cell(Units.Count(database.DeadlocksSinceStart), database.DeadlocksInInterval > 0 ? new Style(Color.Red) : (Style?)null),
                Units.BytesPerSecond(database.TempBytesPerSecond),
                Units.Count(database.FrozenXidAge));
        }

        return table.RowCount == 0 ? new Text("no database collected yet", new Style(Color.Grey)) : table.Build(width);
    }
}
