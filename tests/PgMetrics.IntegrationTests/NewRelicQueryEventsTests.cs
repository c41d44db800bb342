using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// The collector binary, configured with the OpenTelemetry receiver's keys, scraping a real server under a scripted
/// workload, a long query and a blocked session, and sending to the New Relic stand-in: what arrives is what New
/// Relic's PostgreSQL entity and query pages read.
/// </summary>
[Collection(nameof(NewRelicQueryEventsTests))]
public sealed partial class NewRelicQueryEventsTests(PostgresServerPool servers) : IDisposable
{
    private const string ApiKey = "nr-events-test-key-51c9aNRAL";
    private const string ViewLiteral = "classified-literal-7731";
    private const string QueryLiteral = "hunter2-literal";

    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-events-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Query_samples_and_top_queries_arrive_as_the_receivers_events_with_blocking_sessions_and_plans_without_literals(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await ExecuteAsync(server.ConnectionString, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        await database.ExecuteAsync(
            "CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 500) g; ANALYZE orders; "
            + $"CREATE VIEW open_orders AS SELECT * FROM orders WHERE note <> '{ViewLiteral}'", Cancel);
        await using (var workload = new NpgsqlConnection(database.ConnectionString))
        {
            await workload.OpenAsync(Cancel);
            for (var i = 1; i <= 40; i++)
            {
                await using var query = new NpgsqlCommand($"SELECT note FROM open_orders WHERE id = {i}", workload);
                await query.ExecuteScalarAsync(Cancel);
            }

            // A statement whose table is gone by the time it is explained: it has no plan, and says why.
            await new NpgsqlCommand("CREATE TABLE scratch (id int); SELECT id FROM scratch WHERE id = 1; DROP TABLE scratch", workload).ExecuteNonQueryAsync(Cancel);
        }

        await using var newRelic = new NewRelicStandIn(ApiKey);
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, database.Name, featureGates: "[]"));
        List<OtlpDecoder.LogRecord> Events() => [.. newRelic.AcceptedLogs.ToArray().SelectMany(OtlpDecoder.DecodeLogs)];
        var statement = "SELECT note FROM open_orders WHERE id = $1";
        OtlpDecoder.LogRecord? TopQuery() => Events().FirstOrDefault(e => e.EventName == "db.server.top_query" && e.Attributes["db.query.text"] == statement && e.Attributes["postgresql.query_plan"].Length > 0);
        OtlpDecoder.LogRecord? Sample(int pid) => Events().LastOrDefault(e => e.EventName == "db.server.query_sample" && e.Attributes["postgresql.pid"] == pid.ToString(CultureInfo.InvariantCulture));
        await using var collector = RunningCollector.Start(["run", "--config", ConfigPath], new Dictionary<string, string> { ["TEST_API_KEY"] = ApiKey });
        OtlpDecoder.LogRecord? Unplanned() => Events().FirstOrDefault(e => e.EventName == "db.server.top_query" && e.Attributes["db.query.text"] == "SELECT id FROM scratch WHERE id = $1");
        await WaitForAsync(() => TopQuery() is not null && Unplanned() is not null, collector, () => $"{newRelic.AcceptedLogs.Count} log requests, {newRelic.Accepted.Count} metric requests, answers {string.Join(",", newRelic.Answers)}\n" + string.Join("\n", Events().Where(e => e.EventName == "db.server.top_query").Select(e => e.Attributes["db.query.text"] + " | plan " + e.Attributes["postgresql.query_plan"].Length + " | " + e.Attributes.GetValueOrDefault("pgmetrics.query_plan.error"))));

        // A long query, and a session blocked behind a lock an idle transaction holds.
        await using var sleeper = new NpgsqlConnection(database.ConnectionString);
        await sleeper.OpenAsync(Cancel);
        var sleeperPid = sleeper.ProcessID;
        using var stopSleeping = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var sleeping = new NpgsqlCommand("SELECT pg_sleep(60)", sleeper).ExecuteScalarAsync(stopSleeping.Token);
        await using var holder = new NpgsqlConnection(database.ConnectionString);
        await holder.OpenAsync(Cancel);
        var holderPid = holder.ProcessID;
        await using var transaction = await holder.BeginTransactionAsync(Cancel);
        await new NpgsqlCommand("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE", holder, transaction).ExecuteNonQueryAsync(Cancel);
        await using var waiter = new NpgsqlConnection(database.ConnectionString);
        await waiter.OpenAsync(Cancel);
        var waiterPid = waiter.ProcessID;
        var blocked = new NpgsqlCommand($"SELECT count(*) FROM orders WHERE note = '{QueryLiteral}'", waiter).ExecuteScalarAsync(Cancel);
        static bool Waited(OtlpDecoder.LogRecord? sample) => sample is not null && sample.Attributes["postgresql.blocking.wait_duration"] != "0"
            && double.Parse(sample.Attributes["postgresql.total_exec_time"], CultureInfo.InvariantCulture) >= 1_000;
        await WaitForAsync(() => Waited(Sample(waiterPid)) && Sample(holderPid) is not null && Sample(sleeperPid) is { } s && double.Parse(s.Attributes["postgresql.total_exec_time"], CultureInfo.InvariantCulture) >= 1_000, collector,
            () => string.Join("\n", Events().Where(e => e.EventName == "db.server.query_sample").Select(e => string.Join(", ", e.Attributes.Select(a => a.Key + "=" + a.Value)))));
        await collector.DisposeAsync();

        await transaction.RollbackAsync(Cancel);
        await blocked;
        await stopSleeping.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => sleeping);

        var waiting = Events().Last(e => e.EventName == "db.server.query_sample" && e.Attributes["postgresql.pid"] == waiterPid.ToString(CultureInfo.InvariantCulture));
        Assert.Equal((string.Empty, 0, false), (waiting.SeverityText, waiting.Severity, waiting.HasBody));
        Assert.Equal("postgresql", waiting.Attributes["db.system.name"]);
        Assert.Equal(database.Name, waiting.Attributes["db.namespace"]);
        Assert.Equal("SELECT count(*) FROM orders WHERE note = $1", waiting.Attributes["db.query.text"]);
        Assert.Equal(("active", "Lock", "relation"), (waiting.Attributes["postgresql.state"], waiting.Attributes["postgresql.wait_event_type"], waiting.Attributes["postgresql.blocking.lock.type"]));
        Assert.Equal("{" + holderPid.ToString(CultureInfo.InvariantCulture) + "}", waiting.Attributes["postgresql.blocking.pids"]);
        Assert.Equal("AccessShareLock", waiting.Attributes["postgresql.blocking.lock.mode"]);
        Assert.Matches(UtcSecond(), waiting.Attributes["postgresql.blocking.start_time"]);
        Assert.Matches(UtcSecond(), waiting.Attributes["postgresql.blocking.transaction.start_time"]);
        Assert.True(long.Parse(waiting.Attributes["postgresql.blocking.wait_duration"], CultureInfo.InvariantCulture) >= 1, "the waiter had waited over a second");
        Assert.True(double.Parse(waiting.Attributes["postgresql.total_exec_time"], CultureInfo.InvariantCulture) >= 1_000, "running time is in milliseconds");
        Assert.Equal("postgres", waiting.Attributes["user.name"]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["db.system.name"] = "string", ["db.namespace"] = "string", ["db.query.text"] = "string", ["user.name"] = "string", ["postgresql.state"] = "string",
                ["postgresql.pid"] = "int", ["postgresql.application_name"] = "string", ["network.peer.address"] = "string", ["network.peer.port"] = "int",
                ["postgresql.client_hostname"] = "string", ["postgresql.query_start"] = "string", ["postgresql.wait_event"] = "string",
                ["postgresql.wait_event_type"] = "string", ["postgresql.query_id"] = "string", ["postgresql.total_exec_time"] = "double",
                ["postgresql.blocking.pids"] = "string", ["postgresql.blocking.start_time"] = "string", ["postgresql.blocking.wait_duration"] = "int",
                ["postgresql.blocking.lock.mode"] = "string", ["postgresql.blocking.lock.type"] = "string", ["postgresql.blocking.lock.relation"] = "string",
                ["postgresql.blocking.transaction.start_time"] = "string", ["db.query.fingerprint"] = "string",
            },
            waiting.Kinds);

        // The idle transaction that blocks is sampled too, and nothing blocks it.
        var blocking = Sample(holderPid)!;
        Assert.Equal(("idle in transaction", "{}", "0"), (blocking.Attributes["postgresql.state"], blocking.Attributes["postgresql.blocking.pids"], blocking.Attributes["postgresql.blocking.wait_duration"]));
        var sleeping60 = Events().Last(e => e.EventName == "db.server.query_sample" && e.Attributes["postgresql.pid"] == sleeperPid.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("SELECT pg_sleep($1)", sleeping60.Attributes["db.query.text"]);
        Assert.True(double.Parse(sleeping60.Attributes["postgresql.total_exec_time"], CultureInfo.InvariantCulture) >= 1_000);

        var top = TopQuery()!;
        Assert.Equal(database.Name, top.Attributes["db.namespace"]);
        Assert.Equal("postgres", top.Attributes["postgresql.rolname"]);
        Assert.True(long.Parse(top.Attributes["postgresql.calls"], CultureInfo.InvariantCulture) >= 40, "the first collection reports the statement's calls so far");
        var seconds = double.Parse(top.Attributes["postgresql.total_exec_time"], CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 0, 40);
        Assert.Equal(("int", "int", "double", "double", "string", "string"), (top.Kinds["postgresql.calls"], top.Kinds["postgresql.shared_blks_hit"], top.Kinds["postgresql.total_exec_time"], top.Kinds["postgresql.total_plan_time"], top.Kinds["postgresql.queryid"], top.Kinds["postgresql.query_plan"]));
        var plan = top.Attributes["postgresql.query_plan"];
        using (var parsed = JsonDocument.Parse(plan))
        {
            Assert.True(FindRelation(parsed.RootElement) == "orders", plan);
        }

        var unplanned = Unplanned()!;
        Assert.Equal(string.Empty, unplanned.Attributes["postgresql.query_plan"]);
        Assert.StartsWith("42P01: ", unplanned.Attributes["pgmetrics.query_plan.error"], StringComparison.Ordinal);

        // The view's literal is in the plan PostgreSQL printed; none leaves, nor does any literal the sessions sent.
        var everything = string.Concat(newRelic.AcceptedLogs.Select(Encoding.UTF8.GetString));
        Assert.DoesNotContain(ViewLiteral, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(QueryLiteral, everything, StringComparison.Ordinal);

        // New Relic's entity: every resource, metrics and logs, names the server the receiver's way.
        var (host, port) = Endpoint(server);
        var instance = LocalOr(host) + ":" + port;
        var resources = Events().Select(e => e.Resource).Concat(newRelic.Accepted.ToArray().SelectMany(OtlpDecoder.Decode).Where(p => p.Metric.StartsWith("postgresql.", StringComparison.Ordinal)).Select(p => p.Resource)).ToList();
        Assert.NotEmpty(resources);
        Assert.All(resources, resource => Assert.Equal((instance, host, port), (resource["service.instance.id"], resource["server.address"], resource["server.port"])));
        Assert.All(Events().SelectMany(e => e.Attributes.Values), value => Assert.True(value.Length <= 4_095));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Under_useOTelSemconv_every_resource_is_the_server_and_databases_tables_and_indexes_are_point_attributes(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await ExecuteAsync(server.ConnectionString, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        await database.ExecuteAsync("CREATE TABLE parcels (id int PRIMARY KEY, weight int); INSERT INTO parcels SELECT g, g FROM generate_series(1, 10) g; SELECT count(*) FROM parcels", Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        File.WriteAllText(ConfigPath, Config(server, newRelic.Endpoint, database.Name, featureGates: "[receiver.postgresql.useOTelSemconv]"));
        // The collector's own pgmetrics.* metrics describe the collector, under a resource of their own.
        List<OtlpDecoder.Point> Points() => [.. newRelic.Accepted.ToArray().SelectMany(OtlpDecoder.Decode).Where(p => p.Metric.StartsWith("postgresql.", StringComparison.Ordinal))];
        await using (var collector = RunningCollector.Start(["run", "--config", ConfigPath], new Dictionary<string, string> { ["TEST_API_KEY"] = ApiKey }))
        {
            await WaitForAsync(() => Points().Any(p => p.Metric == "postgresql.index.size") && newRelic.AcceptedLogs.Count > 0, collector);
        }

        // The receiver's rule: a loopback endpoint is seeded with this machine's name, UUID v5 in the OpenTelemetry namespace.
        var (host, port) = Endpoint(server);
        var instance = UuidV5(Guid.Parse("4d63009a-8d0f-11ee-aad7-4c796ed8e320"), LocalOr(host) + ":" + port);
        var logs = newRelic.AcceptedLogs.ToArray().SelectMany(OtlpDecoder.DecodeLogs).ToList();
        var expected = new Dictionary<string, string> { ["server.address"] = host, ["server.port"] = port, ["service.instance.id"] = instance };
        Assert.All(Points(), p => Assert.Equal(expected, p.Resource));
        Assert.All(logs, l => Assert.Equal(expected, l.Resource.Where(a => a.Key != "pgmetrics.receiver").ToDictionary()));
        Assert.Contains(Points(), p => p.Metric == "postgresql.table.size" && p.Attributes["db.namespace"] == database.Name + "|public" && p.Attributes["db.collection.name"] == "parcels");
        Assert.Contains(Points(), p => p.Metric == "postgresql.index.size" && p.Attributes["postgresql.index.name"] == "parcels_pkey" && p.Attributes["db.collection.name"] == "parcels");
        Assert.Contains(Points(), p => p.Metric == "postgresql.commits" && p.Attributes["db.namespace"] == database.Name);
        Assert.Contains(Points(), p => p.Metric == "postgresql.connection.max" && !p.Attributes.ContainsKey("db.namespace"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ConfigPath => Path.Combine(_directory, "pgmetrics.yaml");

    /// <summary>The receiver block as an otelcol config would carry it (the receiver's keys), and an OTLP exporter to the stand-in.</summary>
    private static string Config(IPostgresServer server, Uri otlp, string database, string featureGates)
    {
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        return $$"""
            receivers:
              postgresql:
                endpoint: {{connection.Host}}:{{connection.Port}}
                transport: tcp
                username: {{connection.Username}}
                password: unused-with-trust
                databases: [{{database}}]
                collection_interval: 1s
                initial_delay: 0s
                timeout: 10s
                tls:
                  insecure: true
                events:
                  db.server.query_sample:
                    enabled: true
                  db.server.top_query:
                    enabled: true
                query_sample_collection:
                  max_rows_per_query: 100
                top_query_collection:
                  top_n_query: 100
                  max_rows_per_query: 1000
                  max_explain_each_interval: 100
                  query_plan_cache_size: 100
                  query_plan_cache_ttl: 1h
                connection_pool:
                  max_idle_time: 10m
                  max_lifetime: 0
                  max_idle: 2
                  max_open: 5
            exporters:
              otlp:
                endpoint: {{otlp.AbsoluteUri}}
                headers:
                  api-key: ${env:TEST_API_KEY}
            service:
              exporters: [otlp]
              feature_gates: {{featureGates}}
              telemetry:
                health: {endpoint: ""}
            """;
    }

    private static (string Host, string Port) Endpoint(IPostgresServer server)
    {
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        return (connection.Host!, connection.Port.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The receiver's rule for a loopback host: this machine's name stands in for it.</summary>
    private static string LocalOr(string host)
        => host == "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address)) ? System.Net.Dns.GetHostName() : host;

    private static async Task WaitForAsync(Func<bool> condition, RunningCollector collector, Func<string>? received = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the stand-in to receive the data\n" + collector.Output + "\nreceived:\n" + received?.Invoke());
            await Task.Delay(200, Cancel);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private static string? FindRelation(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object when element.TryGetProperty("Relation Name", out var relation) => relation.GetString(),
        JsonValueKind.Object => element.EnumerateObject().Select(p => FindRelation(p.Value)).FirstOrDefault(r => r is not null),
        JsonValueKind.Array => element.EnumerateArray().Select(FindRelation).FirstOrDefault(r => r is not null),
        _ => null,
    };

    /// <summary>RFC 4122 §4.3 name-based UUID (SHA-1), written out here so the test does not check the code with itself.</summary>
    private static string UuidV5(Guid space, string name)
    {
        var bytes = space.ToByteArray();
        (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]) = (bytes[3], bytes[2], bytes[1], bytes[0], bytes[5], bytes[4], bytes[7], bytes[6]);
        var hash = SHA1.HashData([.. bytes, .. Encoding.UTF8.GetBytes(name)]);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(hash.AsSpan(0, 16)).Insert(20, "-").Insert(16, "-").Insert(12, "-").Insert(8, "-");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex UtcSecond();
}

/// <summary>
/// The events tests run alone: each starts collector processes and holds long sessions and locks, and on a two-core
/// machine that starves other tests' one-second scrapes.
/// </summary>
[CollectionDefinition(nameof(NewRelicQueryEventsTests), DisableParallelization = true)]
public sealed class NewRelicQueryEventsCollection;
