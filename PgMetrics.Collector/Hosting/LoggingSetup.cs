using Microsoft.Extensions.Logging;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;

namespace PgMetrics.Collector.Hosting;

/// <summary>Structured logs to stderr, as text or JSON lines; stdout stays for metric tables.</summary>
internal static class LoggingSetup
{
    /// <summary>A logger factory for the <c>service.telemetry.logs</c> settings.</summary>
    public static ILoggerFactory Create(ServiceConfig service)
        => LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(service.LogLevel);
            if (service.LogFormat == LogFormat.Json)
            {
                logging.AddJsonConsole(options =>
                {
                    options.UseUtcTimestamp = true;
                    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                });
            }
            else
            {
                logging.AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.TimestampFormat = "HH:mm:ss ";
                });
            }

            logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        });
}
