using System.Globalization;
using PgMetrics.Runtime.Logs;

namespace PgMetrics.Collector.Exporters.Live.Model;

/// <summary>
/// Reads a <c>db.server.query_sample</c> event (one session of pg_stat_activity, as the OpenTelemetry
/// postgresql receiver names its attributes) for what the view shows: whether the session waits for a
/// lock, and on whom. A record without those attributes names no blocked session.
/// </summary>
internal static class QuerySample
{
    /// <summary>One row per backend blocking the sampled session; none when nothing blocks it.</summary>
    public static IEnumerable<BlockedSession> BlockedSessions(LogRecordData sample)
    {
        var attributes = sample.Attributes.ToDictionary(a => a.Key, a => a.FormatValue(), StringComparer.Ordinal);
        var pids = attributes.GetValueOrDefault("postgresql.blocking.pids", string.Empty).Trim('{', '}');
        if (pids.Length == 0 || !long.TryParse(attributes.GetValueOrDefault("postgresql.pid"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            yield break;
        }

        // The event gives the lock wait in whole seconds, as the receiver does; the statement's running time
        // (milliseconds), which includes the wait, tells how long a session has been held up to the millisecond.
        var waitSeconds = double.TryParse(attributes.GetValueOrDefault("postgresql.blocking.wait_duration"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
        var runningSeconds = double.TryParse(attributes.GetValueOrDefault("postgresql.total_exec_time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) ? milliseconds / 1000 : 0;
        var waited = Math.Max(waitSeconds, runningSeconds);
        var text = attributes.GetValueOrDefault("db.query.text");
        foreach (var blocking in pids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (long.TryParse(blocking, NumberStyles.Integer, CultureInfo.InvariantCulture, out var blockingPid))
            {
                yield return new BlockedSession(pid, blockingPid, waited, attributes.GetValueOrDefault("db.query.fingerprint", string.Empty), string.IsNullOrEmpty(text) ? null : text);
            }
        }
    }
}
