using System.CommandLine;
using PgMetrics.Collector.Components;
using PgMetrics.Collector.Receivers.Postgresql;
using PgMetrics.Collector.Targets;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Cli;

/// <summary>
/// <c>pgmetrics targets --config … [--shard I --shards N]</c>: the targets one replica owns, one line each:
/// endpoint, receiver name, and the target's own attributes, tab-separated; for operators sizing shards and
/// for tests. Without the flags, the config's <c>service.sharding</c> decides. Targets from Kubernetes
/// discovery are not listed: they are known only to a running collector.
/// </summary>
internal static class TargetsCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var config = ConfigOption.Create();
        config.Required = true;
        var shard = new Option<int?>("--shard") { Description = "The replica's index, 0 to --shards − 1; default: the config's service.sharding.index." };
        var shards = new Option<int?>("--shards") { Description = "How many replicas share the targets; default: the config's service.sharding.count." };
        var command = new Command("targets", "Print the targets a replica owns, one line each: endpoint, receiver, attributes.") { config, shard, shards };
        command.SetAction(parse =>
        {
            if (ConfigOption.Load(parse.GetValue(config)!) is not { } loaded)
            {
                return ExitCodes.InvalidConfig;
            }

            var sharding = loaded.Service.Sharding;
            sharding = sharding with { Count = parse.GetValue(shards) ?? sharding.Count, Index = parse.GetValue(shard) ?? sharding.Index };
            if (sharding.Count < 1 || sharding.Index < 0 || sharding.Index >= sharding.Count)
            {
                Console.Error.WriteLine($"error: --shard must be from 0 to --shards − 1 (got shard {sharding.Index} of {sharding.Count})");
                return ExitCodes.BadUsage;
            }

            foreach (var target in loaded.AllTargets().Where(t => sharding.Owns(t.Identity)))
            {
                Console.Out.WriteLine(Line(target));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Line(ReceiverConfig target)
    {
        var attributes = target is PostgresqlReceiverConfig postgresql
            ? string.Join(',', postgresql.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"))
            : string.Empty;
        return $"{target.Identity}\t{target.Name}\t{attributes}";
    }
}
