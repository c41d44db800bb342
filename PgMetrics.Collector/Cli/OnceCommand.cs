using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Collector.Components;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Exporters.Console;
using PgMetrics.Exporter.Otlp.Serialization;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.Collector.Cli;

/// <summary><c>pgmetrics once</c>: one scrape of each target, printed as a table or as OTLP JSON.</summary>
internal static class OnceCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var flags = new CommandLineConfig();
        var config = ConfigOption.Create();
        var format = new Option<string>("--format") { Description = "table or json (OTLP/JSON).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("once", "Scrape once and print what was collected.") { config, format };
        flags.AddTargetOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            IReadOnlyList<ReceiverConfig> receivers;
            if (parse.GetValue(config) is { } path)
            {
                if (ConfigOption.Load(path) is not { } loaded)
                {
                    return ExitCodes.InvalidConfig;
                }

                receivers = loaded.OwnedTargets();
            }
            else if (flags.Receiver(parse, scheduled: false, out var error) is { } receiver)
            {
                if (ConfigOption.Validate(new CollectorConfig(ConfigLoader.CommandLine, [receiver], [], new ServiceConfig())) is null)
                {
                    return ExitCodes.InvalidConfig;
                }

                receivers = [receiver];
            }
            else
            {
                Console.Error.WriteLine("error: " + error);
                return ExitCodes.BadUsage;
            }

            return await ScrapeAndPrintAsync(receivers, parse.GetValue(format) == "json", cancellationToken);
        });
        return command;
    }

    private static async Task<int> ScrapeAndPrintAsync(IReadOnlyList<ReceiverConfig> receivers, bool json, CancellationToken cancellationToken)
    {
        var combined = new MetricsBuffer(UnixTime.NowNanoseconds());
        var table = MetricsTableWriter.ForStandardOutput();
        var anyPoints = false;
        MetricsBuffer? single = null;
        var results = 0;
        foreach (var receiverConfig in receivers)
        {
            // The same factories as run; the results are printed here rather than consumed.
            var factory = CollectorComponents.Factories.Receivers[ComponentFactories.TypeOf(receiverConfig.Name)];
            var receiver = factory.Create(receiverConfig, new ReceiverContext(Discard.Instance, Discard.Instance, NullLoggerFactory.Instance));
            try
            {
                foreach (var result in await receiver.ScrapeOnceAsync(cancellationToken))
                {
                    anyPoints |= result.PointsRecorded > 0;
                    if (json)
                    {
                        // One scrape (the usual case) is written from its own buffer rather than a copy.
                        if (results++ == 0)
                        {
                            single = result.Metrics;
                        }
                        else
                        {
                            if (single is not null)
                            {
                                combined.Append(single);
                                single = null;
                            }

                            combined.Append(result.Metrics);
                        }

                        var problems = result.Errors.Select(e => ("warning", e.ToString()))
                            .Concat(result.RejectedValues.Select(r => ("warning", r.ToString())))
                            .Concat(result.Skipped.Select(s => ("skipped", s.ToString())));
                        foreach (var (kind, problem) in problems)
                        {
                            Console.Error.WriteLine($"{kind}: {receiverConfig.Name}: {problem}");
                        }
                    }
                    else
                    {
                        table.Write(result);
                    }
                }
            }
            finally
            {
                await receiver.ShutdownAsync(CancellationToken.None);
            }
        }

        if (json)
        {
            // Streamed: with every table of 10,000 collected the document is over 100 MB.
            using var stdout = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
            new OtlpJsonWriter().Write(single ?? combined, stdout);
            stdout.Write("\n"u8);
        }

        return anyPoints ? ExitCodes.Success : ExitCodes.ScrapeFailed;
    }

    /// <summary>Where <c>once</c> hands scrapes it prints itself.</summary>
    private sealed class Discard : IMetricsConsumer, ILogsConsumer
    {
        public static readonly Discard Instance = new();

        public void ConsumeMetrics(MetricsBuffer metrics)
        {
        }

        public void ConsumeLogs(LogBatch logs)
        {
        }
    }
}
