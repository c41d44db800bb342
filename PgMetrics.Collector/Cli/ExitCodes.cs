namespace PgMetrics.Collector.Cli;

/// <summary>The process exit codes, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int ScrapeFailed = 1;
    public const int BadUsage = 2;
}
