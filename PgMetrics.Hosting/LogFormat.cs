namespace PgMetrics.Hosting;

/// <summary>How logs are written to standard error.</summary>
internal enum LogFormat
{
    /// <summary>One text line per message.</summary>
    Console,

    /// <summary>One JSON object per line.</summary>
    Json,
}
