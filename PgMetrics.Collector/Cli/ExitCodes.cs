namespace PgMetrics.Collector.Cli;

/// <summary>The process exit codes, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Success = 0;

    /// <summary>Nothing could be collected (every target unreachable or refusing).</summary>
    public const int ScrapeFailed = 1;

    /// <summary>The command line is wrong: a missing or malformed option.</summary>
    public const int BadUsage = 2;

    /// <summary>The config (a file, or what the flags describe) has problems; each was printed with its place.</summary>
    public const int InvalidConfig = 3;

    /// <summary>The collector could not start: the health endpoint's address is taken by another process.</summary>
    public const int CannotStart = 4;
}
