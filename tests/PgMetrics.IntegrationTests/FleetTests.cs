using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Hosting;
using PgMetrics.Hosting;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Targets;
using PgMetrics.TestOtlp;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// Many targets in one collector, against a real server that stands in for a fleet: a targets file edited while
/// running, and targets that fail or stall beside healthy ones.
/// </summary>
public sealed class FleetTests(FleetServer fleet) : IClassFixture<FleetServer>, IDisposable
{
    private const string ApiKey = "nr-fleet-test-key-1234NRAL";
    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-fleet-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string TargetsPath => Path.Combine(_directory, "targets.yaml");

    private static string Target(string endpoint, int role) => $"- endpoint: {endpoint}\n  username: fleet_{role}\n  attributes: {{fleet.member: \"{role}\"}}\n";

    private CollectorConfig Load(Uri otlp, string extraService = "", string interval = "1s")
    {
        var yaml = $"""
            receivers:
              postgresql/fleet:
                collection_interval: {interval}
                initial_delay: 0s
                timeout: {interval}
                max_backoff: 8s
                databases: [postgres]
                tls: {"{"}insecure: true{"}"}
                targets_file: {TargetsPath}
            exporters:
              otlp:
                endpoint: {otlp.AbsoluteUri}
                temporality: delta
                headers: {"{"}api-key: {ApiKey}{"}"}
            service:
              telemetry: {"{"}health: {"{"}endpoint: ""{"}"}{"}"}
            {extraService}
            """;
        var path = Path.Combine(_directory, "pgmetrics.yaml");
        File.WriteAllText(path, yaml);
        var result = ConfigLoader.Load(path);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Config!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30, Func<string>? detail = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}{(detail is null ? "" : "; " + detail())}");
            await Task.Delay(200, Cancel);
        }
    }

    private static bool AllScraped(CollectorHost host) => host.Receivers.Count > 0 && host.Receivers.All(r => ((PostgresReceiver)r).LastResult is { PointsRecorded: > 0 });

    [Fact]
    public async Task Editing_the_targets_file_starts_new_targets_stops_removed_ones_and_leaves_unchanged_ones_running()
    {
        await using var newRelic = new NewRelicStandIn(ApiKey);
        File.WriteAllText(TargetsPath, Target(fleet.Endpoint(1), 1) + Target(fleet.Endpoint(2), 2) + Target(fleet.Endpoint(3), 3));
        await using var host = new CollectorHost(Load(newRelic.Endpoint), NullLoggerFactory.Instance);
        await host.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(AllScraped(host)), "the three targets scraped");
        var before = host.Receivers.ToDictionary(r => r.Name);
        Assert.Equal(3, before.Count);
        Assert.True(await fleet.ConnectionsOfAsync(3) > 0, "target 3 holds a connection while it is listed");

        // Target 3 leaves, target 4 joins, and targets 1 and 2 are written again as they were.
        File.WriteAllText(TargetsPath, Target(fleet.Endpoint(2), 2) + Target(fleet.Endpoint(1), 1) + Target(fleet.Endpoint(4), 4));
        var expected = new[] { 1, 2, 4 }.Select(t => $"postgresql/fleet[{fleet.Endpoint(t)}]").Order().ToList();
        await WaitUntilAsync(() => Task.FromResult(host.Receivers.Select(r => r.Name).Order().SequenceEqual(expected)), "the targets file's edit applied");
        await WaitUntilAsync(() => Task.FromResult(AllScraped(host)), "the new target scraped");

        foreach (var kept in new[] { 1, 2 }.Select(t => $"postgresql/fleet[{fleet.Endpoint(t)}]"))
        {
            Assert.Same(before[kept], host.Receivers.Single(r => r.Name == kept));
        }

        Assert.Equal(0, await fleet.ConnectionsOfAsync(3));
        Assert.True(await fleet.ConnectionsOfAsync(4) > 0, "the new target connected");
        Assert.Equal(0, host.TargetReloadsRejected);

        // A broken edit is refused and the running targets stay as they are.
        File.WriteAllText(TargetsPath, "- endpoint: nowhere\n");
        await WaitUntilAsync(() => Task.FromResult(host.TargetReloadsRejected == 1), "the broken targets file rejected");
        Assert.Equal(expected, host.Receivers.Select(r => r.Name).Order());
        await host.ShutdownAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Sixty_targets_in_one_collector_each_deliver_their_own_series_and_the_fifty_removed_release_their_connections()
    {
        await using var newRelic = new NewRelicStandIn(ApiKey);
        var all = Enumerable.Range(1, FleetServer.Addresses).ToList();
        File.WriteAllText(TargetsPath, string.Concat(all.Select(t => Target(fleet.Endpoint(t), t))));
        await using var host = new CollectorHost(Load(newRelic.Endpoint, interval: "2s"), NullLoggerFactory.Instance);
        await host.StartAsync();
        Assert.Equal(all.Count, host.Receivers.Count);

        // Every target's series reach New Relic under its own address, with its own attributes: none is
        // missing and none carries another target's. The server's max_connections is the oracle for the value.
        long maxConnections;
        await using (var connection = new Npgsql.NpgsqlConnection(fleet.Cluster.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            await using var command = new Npgsql.NpgsqlCommand("SELECT setting::bigint FROM pg_settings WHERE name = 'max_connections'", connection);
            maxConnections = (long)(await command.ExecuteScalarAsync(Cancel))!;
        }

        List<OtlpDecoder.Point> Delivered()
        {
            lock (newRelic.Accepted)
            {
                return [.. newRelic.Accepted.SelectMany(OtlpDecoder.Decode).Where(p => p.Metric == "postgresql.connection.max")];
            }
        }

        string Missing()
        {
            var delivered = Delivered().Select(p => p.Resource["server.address"]).ToHashSet();
            return string.Join("; ", host.Receivers.Cast<PostgresReceiver>().Where(r => !delivered.Contains(r.Name.Split('[', ':')[1]))
                .Select(r => $"{r.Name}: {(r.LastResult is { } last ? $"{last.PointsRecorded} points, errors: {string.Join(" | ", last.Errors)}" : "no scrape yet")}"));
        }

        await WaitUntilAsync(() => Task.FromResult(Delivered().Select(p => p.Resource["server.address"]).Distinct().Count() == all.Count), "every target's points delivered", seconds: 60, detail: Missing);
        foreach (var point in Delivered())
        {
            var target = int.Parse(point.Resource["server.address"].Split('.')[^1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(FleetServer.Address(target), point.Resource["server.address"]);
            Assert.Equal(target.ToString(System.Globalization.CultureInfo.InvariantCulture), point.Resource["fleet.member"]);
            Assert.Equal(maxConnections, point.IntValue);
        }

        // Each target keeps to its own connections: one database and no query events, so one connection, and a second when
        // its queries are slow enough for the catalogue's second lane.
        var connections = await fleet.ConnectionsByTargetAsync();
        Assert.All(connections, c => Assert.InRange(c.Value, 0, 2));

        // Fifty leave: their receivers stop and their connections close; the ten that stay keep running.
        var staying = all.Take(10).ToList();
        var before = host.Receivers.ToDictionary(r => r.Name);
        File.WriteAllText(TargetsPath, string.Concat(staying.Select(t => Target(fleet.Endpoint(t), t))));
        await WaitUntilAsync(() => Task.FromResult(host.Receivers.Count == staying.Count), "the fifty removed targets stopped");
        Assert.All(host.Receivers, r => Assert.Same(before[r.Name], r));
        // A backend ends a moment after its client closes, so the server is asked until they are gone.
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await WaitUntilAsync(async () => !(await fleet.ConnectionsByTargetAsync()).Keys.Except(staying).Any(), "the removed targets' connections closed", seconds: 10);
        TestContext.Current.SendDiagnosticMessage($"removed targets' connections closed {stopped.ElapsedMilliseconds} ms after their receivers stopped");
        await host.ShutdownAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_stalled_and_a_refusing_target_back_off_and_are_named_while_the_healthy_ones_keep_their_interval()
    {
        await using var newRelic = new NewRelicStandIn(ApiKey);
        using var stalled = new TcpListener(IPAddress.Parse(FleetServer.Address(8)), 0);
        stalled.Start();
        var accepted = new ConcurrentBag<TcpClient>();
        _ = Task.Run(async () =>
        {
            // Accepts and never answers: a server that hangs after the TCP handshake.
            while (true)
            {
                accepted.Add(await stalled.AcceptTcpClientAsync(Cancel));
            }
        }, Cancel);
        var stalledEndpoint = $"{FleetServer.Address(8)}:{((IPEndPoint)stalled.LocalEndpoint).Port}";
        var refusingEndpoint = $"{FleetServer.Address(7)}:1";
        File.WriteAllText(TargetsPath, Target(fleet.Endpoint(5), 5) + Target(fleet.Endpoint(6), 6) + Target(stalledEndpoint, 1) + Target(refusingEndpoint, 2));

        var scrapes = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "pgmetrics.scrape.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "receiver" && tag.Value is string receiver)
                {
                    scrapes.AddOrUpdate(receiver, 1, (_, n) => n + 1);
                }
            }
        });
        listener.Start();

        // Two slots for four targets: the stalled one holds one for its whole timeout.
        await using var host = new CollectorHost(Load(newRelic.Endpoint, "  max_concurrent_scrapes: 2"), NullLoggerFactory.Instance);
        await host.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(9), Cancel);

        int Scrapes(string endpoint) => scrapes.GetValueOrDefault($"postgresql/fleet[{endpoint}]");
        var healthy = new[] { Scrapes(fleet.Endpoint(5)), Scrapes(fleet.Endpoint(6)) };
        var seen = string.Join(", ", scrapes.Select(s => $"{s.Key}={s.Value}"));
        Assert.True(healthy.All(n => n is >= 6 and <= 11), $"healthy targets scraped {healthy[0]} and {healthy[1]} times in 9 s; all: {seen}");

        // Failing targets back off (1 s, then 2, 4, 8 s): a few tries, not one a second.
        Assert.InRange(Scrapes(stalledEndpoint), 1, 4);
        Assert.InRange(Scrapes(refusingEndpoint), 1, 4);

        var (unready, targets) = host.Readiness;
        Assert.Empty(unready);
        Assert.Equal(2, targets.Count);
        Assert.Contains(targets, p => p.StartsWith($"receiver postgresql/fleet[{stalledEndpoint}]: last scrape failed", StringComparison.Ordinal) && p.Contains("Timeout", StringComparison.Ordinal));
        Assert.Contains(targets, p => p.StartsWith($"receiver postgresql/fleet[{refusingEndpoint}]: last scrape failed", StringComparison.Ordinal) && p.Contains("Connection", StringComparison.Ordinal));
        await host.ShutdownAsync(TimeSpan.FromSeconds(5));
        stalled.Stop();
        foreach (var client in accepted)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task The_targets_command_prints_each_replicas_share_one_line_per_target_beginning_with_its_endpoint()
    {
        var endpoints = Enumerable.Range(1, 30).Select(i => $"pg-{i}.example.internal:5432").ToList();
        File.WriteAllText(TargetsPath, string.Concat(endpoints.Select((e, i) => $"- endpoint: {e}\n  attributes: {{team: t{i % 3}}}\n")));
        var config = Path.Combine(_directory, "pgmetrics.yaml");
        File.WriteAllText(config, $"receivers:\n  postgresql/fleet:\n    targets_file: {TargetsPath}\n");

        var owned = new List<string>();
        for (var shard = 0; shard < 3; shard++)
        {
            var (exitCode, output, errors) = await CollectorProcess.RunAsync(["targets", "--config", config, "--shard", shard.ToString(System.Globalization.CultureInfo.InvariantCulture), "--shards", "3"]);
            Assert.True(exitCode == 0, errors);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            foreach (var line in lines)
            {
                var fields = line.Split('\t');
                Assert.Equal($"postgresql/fleet[{fields[0]}]", fields[1]);
                Assert.StartsWith("team=t", fields[2], StringComparison.Ordinal);
                owned.Add(fields[0]);
            }
        }

        Assert.Equal(endpoints.Order(), owned.Order());
        var (badExit, _, badErrors) = await CollectorProcess.RunAsync(["targets", "--config", config, "--shard", "3", "--shards", "3"]);
        Assert.Equal(2, badExit);
        Assert.Contains("--shard must be from 0 to --shards", badErrors, StringComparison.Ordinal);
    }
}
