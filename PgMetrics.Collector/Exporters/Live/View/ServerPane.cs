using System.Globalization;
using PgMetrics.Collector.Exporters.Live.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>
/// The server-wide lines: connections against max_connections by state, transactions and WAL per second
/// with their trends, checkpoints, the oldest transaction, the wraparound age, and each standby's lag.
/// </summary>
internal static class ServerPane
{
    // Transaction IDs are 32-bit and compared modulo 2^31: at that age the server stops to prevent wraparound.
    private const double WraparoundLimit = 2_147_483_648;
    private const int BarWidth = 10;
    private const int TrendWidth = 12;

    /// <summary>The lines for <paramref name="server"/>, each within <paramref name="width"/>.</summary>
    public static IEnumerable<IRenderable> Build(ServerActivity server, int width, bool unicode)
    {
        var databases = server.Databases.ToList();
        long? Sessions(params string[] states) => databases.Count == 0 || databases.All(d => d.SessionsIn(states) is null) ? null : databases.Sum(d => d.SessionsIn(states) ?? 0);
        var usage = server.Connections is { } open && server.MaxConnections is { } max and > 0 ? (double)open / max : (double?)null;
        yield return new FittedLine()
            .Add("connections", $"{Units.Count(server.Connections)}/{Units.Count(server.MaxConnections)}", 0)
            .Add(string.Empty, Bar(usage, unicode), 4, Level(usage, 0.7, 0.9))
            .Add(string.Empty, Units.Percent(usage), 3, Level(usage, 0.7, 0.9))
            .Add(string.Empty, Sparkline.Render(server.ConnectionTrend.Values, TrendWidth, unicode), 8, new Style(Color.Aqua))
            .Add("active", Units.Count(Sessions("active")), 1)
            .Add("idle", Units.Count(Sessions("idle")), 5)
            .Add("idle in transaction", Units.Count(Sessions("idle in transaction", "idle in transaction (aborted)")), 2, Level(Sessions("idle in transaction", "idle in transaction (aborted)"), 1, 5))
            .Build(width);

        var checkpoints = server.CheckpointsInInterval is { } interval
            ? $"{interval.All} ({interval.Requested} requested)"
            : Units.Unknown;
        yield return new FittedLine()
            .Add("transactions/s", Units.Number(server.TransactionsPerSecond), 0)
            .Add(string.Empty, Sparkline.Render(server.TransactionTrend.Values, TrendWidth, unicode), 4, new Style(Color.Aqua))
            .Add("WAL", Units.BytesPerSecond(server.WalBytesPerSecond), 1)
            .Add(string.Empty, Sparkline.Render(server.WalTrend.Values, TrendWidth, unicode), 5, new Style(Color.Aqua))
            .Add("checkpoints", checkpoints, 2, server.CheckpointsInInterval is { Requested: > 0 } ? new Style(Color.Yellow) : (Style?)null)
            .Add("since start", Units.Count(server.CheckpointsSinceStart), 6)
            .Build(width);

        var wraparound = server.WraparoundAge is { } age ? age / WraparoundLimit : (double?)null;
        yield return new FittedLine()
            .Add("oldest transaction", Units.Duration(server.OldestTransactionSeconds), 0, Level(server.OldestTransactionSeconds, 60, 600))
            .Add("wraparound age", Units.Count(server.WraparoundAge), 1, Level(wraparound, 0.5, 0.75))
            .Add(string.Empty, wraparound is null ? string.Empty : "(" + Units.Percent(wraparound) + " of 2^31)", 2, Level(wraparound, 0.5, 0.75))
            .Build(width);

        var replication = new FittedLine().Add("replication", server.Replication.Count == 0 ? "no standby" : string.Empty, 0);
        foreach (var (client, index) in server.Replication.Select((c, i) => (c, i)))
        {
            replication.Add(client.Client, $"{Units.Bytes(client.BytesBehind)} behind, replay lag {Units.Duration(client.ReplayLagSeconds)}", index + 1, Level(client.ReplayLagSeconds, 10, 60));
        }

        yield return replication.Build(width);
    }

    /// <summary>Green, yellow from <paramref name="warn"/>, red from <paramref name="alarm"/>; no colour when unknown.</summary>
    public static Style? Level(double? value, double warn, double alarm)
        => value is not { } known ? (Style?)null : known >= alarm ? new Style(Color.Red) : known >= warn ? new Style(Color.Yellow) : new Style(Color.Green);

    private static string Bar(double? usage, bool unicode)
    {
        if (usage is not { } share)
        {
            return string.Empty;
        }

        var filled = (int)Math.Round(Math.Clamp(share, 0, 1) * BarWidth, MidpointRounding.AwayFromZero);
        var (full, empty) = unicode ? ('█', '░') : ('#', '.');
        return new string(full, filled) + new string(empty, BarWidth - filled);
    }

    /// <summary>The server's title: its name, the scrape interval and when it was last read.</summary>
    public static IRenderable Title(ServerActivity server, int width)
    {
        var read = server.LastScrapeUnixNano == 0
            ? "waiting for the first scrape"
            : DateTimeOffset.FromUnixTimeMilliseconds(server.LastScrapeUnixNano / 1_000_000).ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        return new FittedLine()
            .Add(string.Empty, server.Name, 0, new Style(Color.Aqua, decoration: Decoration.Bold))
            .Add("read", read, 1)
            .Add("every", Units.Duration(server.IntervalSeconds), 2)
            .Build(width);
    }
}
