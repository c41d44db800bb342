using System.CommandLine;
using PgMetrics.Collector.Output;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Collector.Cli;

/// <summary><c>pgmetrics once</c>: one scrape, printed as a table.</summary>
internal static class OnceCommand
{
    public static Command Create()
    {
        var target = new TargetOptions();
        var command = new Command("once", "Scrape the server once and print what was collected.");
        target.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!target.TryBind(parseResult, out var options, out var error))
            {
                Console.Error.WriteLine("error: " + error);
                return ExitCodes.BadUsage;
            }

            await using var scraper = new PostgresScraper(options, new PostgresqlMetricSet());
            var buffer = new MetricsBuffer(UnixTime.NowNanoseconds());
            var result = await scraper.ScrapeAsync(buffer, cancellationToken);
            MetricsTableWriter.ForStandardOutput().Write(buffer, result);
            return result.PointsRecorded == 0 && !result.IsComplete ? ExitCodes.ScrapeFailed : ExitCodes.Success;
        });
        return command;
    }
}
