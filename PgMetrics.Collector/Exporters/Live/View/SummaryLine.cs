using System.Globalization;
using PgMetrics.Collector.Exporters.Live.Model;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>
/// One server's scrape as one line of <c>key=value</c> pairs, for output that is not a terminal (CI, a
/// pipe, a log file): easy to read, to grep and to parse; a dash where a figure is unknown.
/// </summary>
internal static class SummaryLine
{
    /// <summary>The line for <paramref name="server"/>'s latest scrape.</summary>
    public static string Format(ServerActivity server, HealthFigures health)
    {
        var databases = server.Databases.ToList();
        long? Sessions(params string[] states) => databases.All(d => d.SessionsIn(states) is null) ? null : databases.Sum(d => d.SessionsIn(states) ?? 0);
        double? Sum(Func<DatabaseActivity, double?> figure) => databases.All(d => figure(d) is null) ? null : databases.Sum(d => figure(d) ?? 0);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(server.LastScrapeUnixNano / 1_000_000).ToLocalTime();
        var pairs = new List<(string, string)>
        {
            ("server", server.Name),
            ("commits/s", Units.Number(Sum(d => d.CommitsPerSecond))),
            ("rollbacks/s", Units.Number(Sum(d => d.RollbacksPerSecond))),
            ("hit", HitRatio(databases)),
            ("connections", $"{Units.Count(server.Connections)}/{Units.Count(server.MaxConnections)}"),
            ("active", Units.Count(Sessions("active"))),
            ("idle_in_tx", Units.Count(Sessions("idle in transaction", "idle in transaction (aborted)"))),
            ("wal/s", Units.BytesPerSecond(server.WalBytesPerSecond).Replace(" ", string.Empty, StringComparison.Ordinal)),
            ("deadlocks", Units.Count(databases.Sum(d => d.DeadlocksSinceStart))),
            ("temp/s", Units.BytesPerSecond(Sum(d => d.TempBytesPerSecond)).Replace(" ", string.Empty, StringComparison.Ordinal)),
            ("oldest_tx", Units.Duration(server.OldestTransactionSeconds).Replace(" ", string.Empty, StringComparison.Ordinal)),
            ("xid_age", server.WraparoundAge?.ToString(CultureInfo.InvariantCulture) ?? Units.Unknown),
            ("standbys", server.Replication.Count.ToString(CultureInfo.InvariantCulture)),
            ("waiting", server.Waits.Sum(w => w.Sessions).ToString(CultureInfo.InvariantCulture)),
            ("blocked", server.Blocked.Select(b => b.Pid).Distinct().Count().ToString(CultureInfo.InvariantCulture)),
            ("scrape", Units.Duration(health.ScrapeSeconds).Replace(" ", string.Empty, StringComparison.Ordinal)),
            ("errors", health.ScrapeErrors.ToString(CultureInfo.InvariantCulture)),
        };
        return time.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " " + string.Join(' ', pairs.Select(p => p.Item1 + "=" + p.Item2));
    }

    // The ratio over every database: all hits over all block requests, not a mean of the databases' ratios.
    private static string HitRatio(List<DatabaseActivity> databases)
    {
        var blocks = databases.Select(d => d.Blocks).OfType<(long Hits, long Reads)>().ToList();
        var requests = blocks.Sum(b => b.Hits + b.Reads);
        return requests == 0 ? Units.Unknown : Units.Percent((double)blocks.Sum(b => b.Hits) / requests).Replace(" ", string.Empty, StringComparison.Ordinal);
    }
}
