using System.Buffers;
using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Output;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Otlp;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Collector.Cli;

/// <summary><c>pgmetrics once</c>: one scrape of each target, printed as a table or as OTLP JSON.</summary>
internal static class OnceCommand
{
    public static Command Create()
    {
        var target = new TargetOptions();
        var config = ConfigOption.Create();
        var format = new Option<string>("--format") { Description = "table or json (OTLP/JSON).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("once", "Scrape once and print what was collected.") { config, format };
        target.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var targets = new List<(string Name, ScraperOptions Options, MetricSet Metrics)>();
            if (parseResult.GetValue(config) is { } path)
            {
                if (ConfigOption.Load(path) is not { } loaded)
                {
                    return ExitCodes.ScrapeFailed;
                }

                targets.AddRange(loaded.Receivers.Select(r => (r.Name, ReceiverOptionsMapping.ToScraperOptions(r), (MetricSet)ReceiverOptionsMapping.ToMetricSet(r))));
            }
            else if (target.TryBind(parseResult, out var options, out var error))
            {
                targets.Add(("postgresql", options, new PostgresqlMetricSet()));
            }
            else
            {
                Console.Error.WriteLine("error: " + error);
                return ExitCodes.BadUsage;
            }

            var buffer = new MetricsBuffer(UnixTime.NowNanoseconds());
            var anyPoints = false;
            var table = MetricsTableWriter.ForStandardOutput();
            foreach (var (name, options, metrics) in targets)
            {
                await using var scraper = new PostgresScraper(options, metrics);
                if (parseResult.GetValue(format) == "json")
                {
                    var result = await scraper.ScrapeAsync(buffer, cancellationToken);
                    anyPoints |= result.PointsRecorded > 0;
                    foreach (var scrapeError in result.Errors)
                    {
                        Console.Error.WriteLine($"warning: {name}: {scrapeError}");
                    }

                    foreach (var skipped in result.Skipped)
                    {
                        Console.Error.WriteLine($"skipped: {name}: {skipped}");
                    }
                }
                else
                {
                    buffer.Clear();
                    var result = await scraper.ScrapeAsync(buffer, cancellationToken);
                    anyPoints |= result.PointsRecorded > 0;
                    table.Write(buffer, result);
                }
            }

            if (parseResult.GetValue(format) == "json")
            {
                var output = new ArrayBufferWriter<byte>();
                OtlpJsonWriter.Write(buffer, output);
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(output.WrittenSpan);
                stdout.Write("\n"u8);
            }

            return anyPoints ? ExitCodes.Success : ExitCodes.ScrapeFailed;
        });
        return command;
    }
}
