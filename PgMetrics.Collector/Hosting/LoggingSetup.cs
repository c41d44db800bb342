using Microsoft.Extensions.Logging;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Collector.Hosting;

/// <summary>Structured logs to stderr, as text or JSON lines; stdout stays for metric tables.</summary>
internal static class LoggingSetup
{
    /// <summary>A logger factory for the <c>service.telemetry.logs</c> settings.</summary>
    /// <param name="service">The level and format.</param>
    /// <param name="screen">
    /// Where logs go instead of standard error while a view fills the terminal (the live exporter's sink),
    /// or null for standard error.
    /// </param>
    public static ILoggerFactory Create(ServiceConfig service, ILoggerProvider? screen = null)
        => LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(service.LogLevel);
            if (screen is not null)
            {
                logging.AddProvider(screen);
                return;
            }

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
