using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>The collector binary run from a config file: validate, once, hot reload and graceful shutdown.</summary>
public sealed class CollectorConfigTests(PostgresServerPool servers) : IDisposable
{
    private const string ApiKey = "nr-config-test-key-77aa31NRAL";
    private const string Password = "pg-Config-S3cret";
    private static readonly Dictionary<string, string> Secrets = new() { ["TEST_API_KEY"] = ApiKey, ["PGMETRICS_PASSWORD"] = Password };

    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-config-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string ConfigPath => Path.Combine(_directory, "pgmetrics.yaml");

    private static string Config(IPostgresServer server, Uri otlp, string extraReceiverLines = "", string exporters = "[otlp]", string shutdownTimeout = "5s", string extraReceivers = "", int? healthPort = null, bool health = true)
    {
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        return $"""
            receivers:
              postgresql:
                endpoint: {connection.Host}:{connection.Port}
                username: {connection.Username}
                password: ${"{"}env:PGMETRICS_PASSWORD{"}"}
                collection_interval: 1s
                timeout: 10s
                initial_delay: 0s
                databases: [postgres]
                tls: {"{"}insecure: true{"}"}
            {extraReceiverLines}
            {extraReceivers}
            exporters:
              console: {"{"}{"}"}
              otlp:
                endpoint: {otlp.AbsoluteUri}
                temporality: cumulative
                headers:
                  api-key: ${"{"}env:TEST_API_KEY{"}"}
            service:
              exporters: {exporters}
              shutdown_timeout: {shutdownTimeout}
            {(health ? $"  telemetry:\n    health: {{endpoint: 127.0.0.1:{healthPort ?? FreePort()}}}" : string.Empty)}
            """;
    }

    [Fact]
    public async Task Validate_names_each_problem_with_file_line_and_key_and_exits_with_the_invalid_config_code()
    {
        File.WriteAllText(ConfigPath, "receivers:\n  postgresql:\n    endpoint: localhost:5432\n    colection_interval: 10s\n    timeout: later\n");

        var (exitCode, output, errors) = await CollectorProcess.RunAsync(["validate", "--config", ConfigPath]);

        // 3, not 1: scripts can tell a config to fix from a server that could not be scraped.
        Assert.Equal(3, exitCode);
        Assert.Contains($"{ConfigPath}:4:5: receivers.postgresql.colection_interval: unknown key", errors, StringComparison.Ordinal);
        Assert.Contains($"{ConfigPath}:5:14: receivers.postgresql.timeout: 'later' is not a duration", errors, StringComparison.Ordinal);
        Assert.Contains("2 problems", errors, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Once_says_which_queries_it_skipped_and_why()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, "    metrics: {postgresql.vector.search.calls: {enabled: true}}"));

        var (exitCode, output, errors) = await CollectorProcess.RunAsync(["once", "--config", ConfigPath], Secrets);

        Assert.True(exitCode == 0, errors);
        // "skipped:" may carry a colour code of its own, so the reason is checked apart from it.
        Assert.Contains("skipped:", output, StringComparison.Ordinal);
        Assert.Contains("query 'vector_searches' skipped in database 'postgres': extension vector is not installed", output, StringComparison.Ordinal);
        Assert.Contains("postgresql.commits", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_prints_the_scrape_as_OTLP_JSON()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint));

        var (exitCode, output, errors) = await CollectorProcess.RunAsync(["once", "--config", ConfigPath, "--format", "json"], Secrets);

        Assert.True(exitCode == 0, errors);
        using var json = JsonDocument.Parse(output);
        var metrics = json.RootElement.GetProperty("resourceMetrics").EnumerateArray()
            .SelectMany(r => r.GetProperty("scopeMetrics").EnumerateArray())
            .SelectMany(s => s.GetProperty("metrics").EnumerateArray())
            .ToList();
        var commits = metrics.First(m => m.GetProperty("name").GetString() == "postgresql.commits");
        Assert.True(commits.GetProperty("sum").GetProperty("isMonotonic").GetBoolean());
        Assert.True(long.Parse(commits.GetProperty("sum").GetProperty("dataPoints")[0].GetProperty("asInt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task A_bad_reload_is_rejected_and_a_good_one_applied_while_scraping_and_no_secret_is_printed()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint));

        // SIGHUP as a terminal or an operator sends it: a test run started under nohup (or any parent that ignores SIGHUP)
        // passes the ignored signal on to the collector, which then rightly ignores it too (docs/configuration.md). env
        // execs the collector in its own process, so the pid and the signals stay the collector's.
        await using var collector = RunningCollector.StartUnder("env", ["--default-signal=HUP"], ["run", "--config", ConfigPath], Secrets);
        await WaitForAsync(() => Received(newRelic).Any(p => p.Metric == "postgresql.db_size"), collector);

        // A broken file: rejected with its reason, and the old config keeps scraping and sending.
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint).Replace("collection_interval: 1s", "collection_interval: whenever", StringComparison.Ordinal));
        await collector.WaitForOutputAsync("Config reload rejected", TimeSpan.FromSeconds(15));
        Assert.Contains("collection_interval", collector.Output, StringComparison.Ordinal);
        var before = newRelic.Accepted.Count;
        await WaitForAsync(() => newRelic.Accepted.Count >= before + 2, collector);

        // A good file: applied; db_size switched off takes effect.
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, "    metrics: {postgresql.db_size: {enabled: false}}"));
        await collector.WaitForOutputAsync("Config reloaded", TimeSpan.FromSeconds(15));
        var applied = newRelic.Accepted.Count;
        await WaitForAsync(() => newRelic.Accepted.Count >= applied + 3, collector);
        var afterReload = newRelic.Accepted.Skip(applied + 1).SelectMany(OtlpDecoder.Decode).ToList();
        Assert.Contains(afterReload, p => p.Metric == "postgresql.commits");
        Assert.DoesNotContain(afterReload, p => p.Metric == "postgresql.db_size");
        Assert.Contains(Received(newRelic), p => p.Metric == "pgmetrics.config.reloads" && p.Attributes["result"] == "failed");

        // SIGHUP reloads too.
        await collector.SignalAsync("HUP");
        await collector.WaitForOutputAsync("Config reloaded", TimeSpan.FromSeconds(15), occurrences: 2);

        await collector.SignalAsync("TERM");
        Assert.Equal(0, await collector.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain(ApiKey, collector.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, collector.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGTERM_while_data_is_queued_sends_every_scrape_exactly_once_and_exits_0()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey) { Down = true };
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, exporters: "[console, otlp]"));
        await using var collector = RunningCollector.Start(["run", "--config", ConfigPath], Secrets);

        // A generous bound on a loaded machine: the first scrape and its JIT can take tens of seconds.
        await collector.WaitForOutputAsync("points from", TimeSpan.FromSeconds(90), occurrences: 3);
        Assert.Empty(newRelic.Accepted);

        newRelic.Down = false;
        await collector.SignalAsync("TERM");
        var exitCode = await collector.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, collector.Output);
        var scrapes = collector.CountOf("points from");
        var sizes = Received(newRelic).Where(p => p.Metric == "postgresql.db_size" && p.Resource["postgresql.database.name"] == "postgres").Select(p => p.Time).ToList();
        Assert.Equal(sizes.Distinct().Count(), sizes.Count);
        Assert.Equal(scrapes, sizes.Count);
        Assert.Contains("0 dropped", collector.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_signal_exits_at_once_without_waiting_for_the_queue()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey) { Down = true };
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, exporters: "[console, otlp]", shutdownTimeout: "60s"));
        await using var collector = RunningCollector.Start(["run", "--config", ConfigPath], Secrets);
        await collector.WaitForOutputAsync("points from", TimeSpan.FromSeconds(30));

        await collector.SignalAsync("TERM");
        await collector.WaitForOutputAsync("Stopping", TimeSpan.FromSeconds(10));
        // A signal within a second of the first is the same request (GNU timeout sends two); this one comes later.
        // Waiting longer can only make it later, so the wait is safe on a slow machine.
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        await collector.SignalAsync("TERM");

        Assert.Equal(130, await collector.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(newRelic.Accepted);
    }

    [Fact]
    public async Task GNU_timeouts_two_SIGTERMs_at_once_are_one_stop_request_and_the_queue_is_drained()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey) { Down = true };
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, exporters: "[console, otlp]", shutdownTimeout: "60s"));
        // timeout puts itself and the collector in a process group of their own; on expiry (SIGALRM) it sends
        // SIGTERM to the collector and then to the group, so the collector gets two at once. --preserve-status
        // makes timeout exit with the collector's code.
        await using var collector = RunningCollector.StartUnder("timeout", ["--preserve-status", "-s", "TERM", "1h"], ["run", "--config", ConfigPath], Secrets);
        // Generous bounds on a loaded machine: the first scrape and its JIT can take tens of seconds.
        await collector.WaitForOutputAsync("points from", TimeSpan.FromSeconds(90), occurrences: 2);
        await WaitForAsync(() => newRelic.Answers.Count > 0, collector);
        Assert.Empty(newRelic.Accepted);

        // Expire timeout's clock now rather than wait for it: its SIGALRM handler is what runs at expiry. (The kernel
        // may merge the two signals into one when both are pending at once; either way the queue must be drained.)
        await collector.SignalAsync("ALRM");
        await collector.WaitForOutputAsync("Stopping", TimeSpan.FromSeconds(10));
        newRelic.Down = false;

        await AssertDrainedAndExited0Async(collector, newRelic);
    }

    [Fact]
    public async Task Two_SIGTERMs_back_to_back_are_one_stop_request_and_the_queue_is_drained()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey) { Down = true };
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, exporters: "[console, otlp]", shutdownTimeout: "60s"));
        await using var collector = RunningCollector.Start(["run", "--config", ConfigPath], Secrets);
        // Generous bounds on a loaded machine: the first scrape and its JIT can take tens of seconds.
        await collector.WaitForOutputAsync("points from", TimeSpan.FromSeconds(90), occurrences: 2);
        await WaitForAsync(() => newRelic.Answers.Count > 0, collector);

        // Two deliveries, as GNU timeout makes them (the process, then its group), a few milliseconds apart so that
        // the kernel cannot merge them into one.
        using (var kill = System.Diagnostics.Process.Start("bash", ["-c", $"kill -TERM {collector.Pid}; sleep 0.05; kill -TERM {collector.Pid}"])!)
        {
            await kill.WaitForExitAsync(Cancel);
        }

        await collector.WaitForOutputAsync("Stop signal repeated", TimeSpan.FromSeconds(10));
        newRelic.Down = false;

        await AssertDrainedAndExited0Async(collector, newRelic);
    }

    private static async Task AssertDrainedAndExited0Async(RunningCollector collector, NewRelicStandIn newRelic)
    {
        var exitCode = await collector.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, collector.Output);
        Assert.DoesNotContain("Second stop signal", collector.Output, StringComparison.Ordinal);
        // The exporter's summary, printed after the drain: every point it took was exported (none dropped, none
        // left queued), and they are the points the endpoint accepted. (Counted in points, not scrapes: on a
        // loaded machine a scrape may time out in a database and lack some metrics.)
        var summary = System.Text.RegularExpressions.Regex.Match(collector.Output, @"Exporter otlp: (\d+) points exported in \d+ requests, \d+ retries, 0 rejected, 0 dropped\.");
        Assert.True(summary.Success, collector.Output);
        var received = Received(newRelic);
        Assert.Equal(long.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), received.Count);
        Assert.Contains(received, p => p.Metric.StartsWith("postgresql.", StringComparison.Ordinal));
        Assert.True(collector.CountOf("points from") >= 2, collector.Output);
    }

    [Fact]
    public async Task Healthz_answers_while_alive_and_readyz_names_what_is_not_ready()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        var healthPort = FreePort();
        const string unreachable = """
              postgresql/down:
                endpoint: 127.0.0.1:1
                collection_interval: 1s
                initial_delay: 0s
                tls: {insecure: true}
            """;
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, extraReceivers: unreachable, healthPort: healthPort));
        await using var collector = RunningCollector.Start(["run", "--config", ConfigPath], Secrets);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") };

        await WaitForAsync(() => TryGet(http, "/healthz").StatusCode == HttpStatusCode.OK, collector);
        await WaitForAsync(() => TryGet(http, "/readyz").Body is var readiness
            && readiness.Contains("postgresql/down: last scrape failed", StringComparison.Ordinal)
            && !readiness.Contains("receiver postgresql: no scrape finished yet", StringComparison.Ordinal), collector);
        var (status, body) = TryGet(http, "/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("receiver postgresql/down: last scrape failed", body, StringComparison.Ordinal);
        Assert.DoesNotContain("receiver postgresql:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_older_query_monitoring_key_still_turns_on_the_query_sample_event_with_normalized_text_only()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, "    query_monitoring: {enabled: true, top_n: 5}"));
        await using var slow = new NpgsqlConnection(server.ConnectionString);
        await slow.OpenAsync(Cancel);
        // Long enough for a collector that starts slowly on a loaded machine to sample it; ended once sampled.
        var running = new NpgsqlCommand("SELECT pg_sleep(60), 'card-4111-literal'", slow).ExecuteScalarAsync(Cancel);
        await using var collector = RunningCollector.Start(["run", "--config", ConfigPath], Secrets);

        // Other tests' sessions on the same server may run pg_sleep too: the sample is found by the session's pid.
        var pid = slow.ProcessID.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await WaitForAsync(() => newRelic.AcceptedLogs.SelectMany(OtlpDecoder.DecodeLogs).Any(r => r.EventName == "db.server.query_sample" && r.Attributes["postgresql.pid"] == pid), collector);
        await using (var canceller = new NpgsqlConnection(server.ConnectionString))
        {
            await canceller.OpenAsync(Cancel);
            await new NpgsqlCommand($"SELECT pg_cancel_backend({slow.ProcessID})", canceller).ExecuteScalarAsync(Cancel);
        }

        await Assert.ThrowsAsync<PostgresException>(() => running);

        // Top queries may show the statement too (as pg_stat_statements has it); the sample is the running session.
        var sample = newRelic.AcceptedLogs.SelectMany(OtlpDecoder.DecodeLogs).First(r => r.EventName == "db.server.query_sample" && r.Attributes["postgresql.pid"] == pid);
        Assert.Equal("SELECT pg_sleep($1), $2", sample.Attributes["db.query.text"]);
        Assert.Equal("postgresql", sample.Resource["pgmetrics.receiver"]);
        Assert.DoesNotContain(newRelic.AcceptedLogs, body => System.Text.Encoding.UTF8.GetString(body).Contains("card-4111", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_health_endpoint_the_config_names_that_another_process_holds_stops_the_start_with_its_own_exit_code()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, healthPort: port));

        var (exitCode, output, errors) = await CollectorProcess.RunAsync(["run", "--config", ConfigPath, "--duration", "10s"], Secrets);

        Assert.True(exitCode == 4, $"exit code {exitCode}\n{output}\n{errors}");
        Assert.Contains($"telemetry.health.endpoint 127.0.0.1:{port}", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_default_health_address_is_taken_the_collector_runs_without_it_and_says_so()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);

        // The default address may be held by another collector of these tests already; either way it must be held while ours starts.
        using var holder = new TcpListener(IPAddress.Loopback, 13133);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                holder.Start();
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, Cancel);
            }
        }

        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, health: false));
        var (exitCode, output, errors) = await CollectorProcess.RunAsync(["run", "--config", ConfigPath, "--duration", "3s"], Secrets);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}\n{errors}");
        Assert.Contains("Health endpoints not started", output + errors, StringComparison.Ordinal);
        Assert.Contains(Received(newRelic), p => p.Metric == "postgresql.db_size");
    }

    private static (HttpStatusCode StatusCode, string Body) TryGet(HttpClient http, string path)
    {
        try
        {
            using var response = http.GetAsync(path, Cancel).GetAwaiter().GetResult();
            return (response.StatusCode, response.Content.ReadAsStringAsync(Cancel).GetAwaiter().GetResult());
        }
        catch (HttpRequestException)
        {
            return (0, string.Empty);
        }
    }

    private static List<OtlpDecoder.Point> Received(NewRelicStandIn newRelic)
    {
        lock (newRelic.Accepted)
        {
            return newRelic.Accepted.SelectMany(OtlpDecoder.Decode).ToList();
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, RunningCollector collector)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not reached within 30 s; collector output:\n" + collector.Output);
            await Task.Delay(100, Cancel);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
