using System.IO.Hashing;
using System.Text;

namespace PgMetrics.Runtime.Targets;

/// <summary>
/// Where in its first interval a listed target starts: a point its identity picks, the same on every run,
/// so a hundred targets with one interval scrape one after another across it instead of all at once (which
/// opens a hundred connections together and makes scrapes time out in bursts).
/// </summary>
internal static class StartSpread
{
    /// <summary>An offset from zero up to (not including) <paramref name="interval"/>.</summary>
    public static TimeSpan Offset(string identity, TimeSpan interval)
    {
        var milliseconds = (long)interval.TotalMilliseconds;
        if (milliseconds <= 1)
        {
            return TimeSpan.Zero;
        }

        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(identity), seed: -1);
        return TimeSpan.FromMilliseconds((long)(hash % (ulong)milliseconds));
    }
}
