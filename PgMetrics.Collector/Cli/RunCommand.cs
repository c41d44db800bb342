using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Hosting;
using PgMetrics.Collector.Output;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;
using Spectre.Console;

namespace PgMetrics.Collector.Cli;

/// <summary><c>pgmetrics run</c>: scrape on an interval until Ctrl-C or SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var target = new TargetOptions();
        var interval = new Option<string>("--interval") { Description = "Time between scrapes (collection_interval), e.g. 60s.", DefaultValueFactory = _ => "60s" };
        var duration = new Option<string?>("--duration") { Description = "Stop after this long, e.g. 30s (for demos and smoke tests); default: run until stopped." };
        var exporter = new ExporterOptions();
        var config = ConfigOption.Create();
        var command = new Command("run", "Scrape the server on an interval until stopped.");
        target.AddTo(command);
        command.Options.Add(interval);
        command.Options.Add(duration);
        exporter.AddTo(command);
        command.Options.Add(config);
        command.SetAction(async (parseResult, _) =>
        {
            TimeSpan? runFor = null;
            if (parseResult.GetValue(duration) is { } durationText)
            {
                if (!DurationParser.TryParse(durationText, out var parsed, out var durationError))
                {
                    Console.Error.WriteLine("error: --duration: " + durationError);
                    return ExitCodes.BadUsage;
                }

                runFor = parsed;
            }

            if (parseResult.GetValue(config) is { } configPath)
            {
                return await RunWithConfigAsync(configPath, runFor);
            }

            using var signals = new ShutdownSignals();
            var cancellationToken = signals.StopRequested;
            if (!target.TryBind(parseResult, out var options, out var error)
                || !DurationParser.TryParse(parseResult.GetValue(interval), out var collectionInterval, out error))
            {
                Console.Error.WriteLine("error: " + error);
                return ExitCodes.BadUsage;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (runFor is { } limit)
            {
                stop.CancelAfter(limit);
            }

            if (!exporter.TryCreate(parseResult, out var sender, out error))
            {
                Console.Error.WriteLine("error: " + error);
                return ExitCodes.BadUsage;
            }

            using var metricsExporter = sender;
            using var stopSending = new CancellationTokenSource();
            var sending = metricsExporter?.RunAsync(stopSending.Token) ?? Task.CompletedTask;
            await using var scraper = new PostgresScraper(options, new PostgresqlMetricSet());
            var table = MetricsTableWriter.ForStandardOutput();
            var controller = new ScraperController(
                scraper,
                new ScraperControllerOptions { CollectionInterval = collectionInterval, InitialDelay = TimeSpan.Zero },
                (buffer, result, _) =>
                {
                    AnsiConsole.MarkupLine($"[grey]{DateTimeOffset.Now:HH:mm:ss}[/] scrape finished");
                    table.Write(buffer, result);
                    metricsExporter?.Submit(buffer);
                    return ValueTask.CompletedTask;
                });

            AnsiConsole.MarkupLine($"Scraping every {collectionInterval.TotalSeconds:0.###} s; press Ctrl-C to stop.");
            if (metricsExporter is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"Exporting to {metricsExporter.Destination}");
            }

            await controller.RunAsync(stop.Token);
            if (metricsExporter is not null)
            {
                // Whatever the last scrapes produced gets a bounded chance to leave before exit.
                await stopSending.CancelAsync();
                await sending;
                using var flushDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var flushed = await metricsExporter.FlushAsync(flushDeadline.Token, final: true);
                var statistics = metricsExporter.Statistics;
                AnsiConsole.MarkupLineInterpolated($"Exported {statistics.PointsExported} points in {statistics.RequestsSent} requests ({statistics.Retries} retries, {statistics.PointsRejected} rejected, {statistics.PointsDropped} dropped){(flushed ? string.Empty : $"; {metricsExporter.Queue.Points} points still queued")}.");
            }

            AnsiConsole.MarkupLine("Stopped.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> RunWithConfigAsync(string path, TimeSpan? runFor)
    {
        if (ConfigOption.Load(path) is not { } loaded)
        {
            return ExitCodes.ScrapeFailed;
        }

        using var loggerFactory = LoggingSetup.Create(loaded.Service);
        await using var host = new CollectorHost(loaded, loggerFactory);
        using var signals = new ShutdownSignals(onReload: () => _ = host.ReloadAsync());
        await host.StartAsync();
        try
        {
            await Task.Delay(runFor ?? Timeout.InfiniteTimeSpan, signals.StopRequested);
        }
        catch (OperationCanceledException)
        {
        }

        await host.ShutdownAsync(host.Config.Service.ShutdownTimeout);
        return ExitCodes.Success;
    }
}
