using System.Diagnostics.Metrics;
using System.Globalization;
using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pgbouncer;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Pgbouncer;

/// <summary>
/// The pgbouncer receiver against Debian's PgBouncer in front of a throwaway server: its values equal what
/// psql reads from the same admin console, under a workload that saturates a pool; a refused login and a
/// pool that cannot reach its server make it unready instead of reporting zeros.
/// </summary>
public sealed class PgbouncerReceiverTests(PostgresServerPool servers)
{
    private const string Stats = "stats";
    private const string StatsPassword = "stats-S3cret";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_value_equals_the_admin_consoles_own_answer_while_clients_wait_for_a_saturated_pool()
    {
        PgbouncerAvailability.Require();
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var pgbouncer = await StartAsync(server, new Dictionary<string, string> { ["app"] = PgbouncerProcess.Target(server, "postgres", poolSize: 2) });

        // Five clients each hold a transaction for 4 s in a pool of two server connections: two run, three wait.
        var workload = Enumerable.Range(0, 5).Select(_ => RunAsync(pgbouncer, "app", "SELECT pg_sleep(4)", Cancel)).ToList();
        await WaitUntilAsync(async () => Pool(await pgbouncer.ShowAsync("SHOW POOLS", Stats, Cancel), "app") is { } pool && pool["cl_waiting"] == "3" && pool["sv_active"] == "2");

        var before = await ShowAllAsync(pgbouncer);
        await using var scraper = new PgbouncerScraper(Console(pgbouncer), new PgbouncerMetricSet(AllMetrics()));
        var result = await scraper.ScrapeAsync(Cancel);
        var after = await ShowAllAsync(pgbouncer);
        await Task.WhenAll(workload);

        Assert.True(result.IsComplete, string.Join("\n", result.Errors));
        var points = Points(result.Metrics);
        Assert.Equal(3, Value(points, "pgbouncer.pool.client.connections", "app", "waiting"));
        Assert.Equal(2, Value(points, "pgbouncer.pool.server.connections", "app", "active"));
        Assert.Equal(3, Value(points, "pgbouncer.client.connections", "app", "waiting"));
        Assert.Equal(2, Value(points, "pgbouncer.server.connections", "app", "active"));
        Assert.Equal(2, Value(points, "pgbouncer.database.pool.size", "app"));

        // Each column the receiver maps, for the pool or database "app" and for the lists: within what psql saw
        // just before and just after the scrape, and present exactly when this PgBouncer's answer has the column.
        foreach (var (command, column, metric, state) in Expectations)
        {
            var keyColumn = command switch { "SHOW DATABASES" => "name", "SHOW LISTS" => "list", _ => "database" };
            var key = command == "SHOW LISTS" ? column : "app";
            var valueColumn = command == "SHOW LISTS" ? "items" : column;
            var row = before[command].SingleOrDefault(r => r[keyColumn] == key);
            var recorded = points.Where(p => p.Metric == metric && p.Database == (command == "SHOW LISTS" ? null : "app") && p.State == state).ToList();
            if (row is null || !row.ContainsKey(valueColumn))
            {
                Assert.True(recorded.Count == 0, $"{metric} recorded though {command} has no {column}");
                continue;
            }

            var low = Scaled(metric, row[valueColumn]);
            var high = Scaled(metric, after[command].Single(r => r[keyColumn] == key)[valueColumn]);
            var value = Assert.Single(recorded).Value;
            Assert.True(value >= Math.Min(low, high) && value <= Math.Max(low, high), $"{metric} ({command} {column}) = {value}, psql saw {low} then {high}");
        }

        var maxWait = Value(points, "pgbouncer.pool.client.max_wait", "app");
        Assert.InRange(maxWait, MaxWait(before, "app"), MaxWait(after, "app"));
        Assert.True(maxWait > 0, "the waiting clients have waited");
    }

    [Fact]
    public async Task A_refused_admin_login_makes_the_receiver_unready_records_nothing_and_counts_an_authentication_error()
    {
        PgbouncerAvailability.Require();
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var pgbouncer = await StartAsync(server, new Dictionary<string, string> { ["app"] = PgbouncerProcess.Target(server, "postgres") });
        var name = "pgbouncer/refused-" + Guid.NewGuid().ToString("N")[..6];
        using var errors = new ScrapeErrorListener(name);
        var consumer = new Consumer();
        await using var receiver = new PgbouncerReceiver(name, Console(pgbouncer) with { Password = "not-the-password" }, new ScraperControllerOptions(), new PgbouncerMetricSet(), consumer);
        await using var notAllowed = new PgbouncerScraper(Console(pgbouncer) with { Username = "postgres", Password = PgbouncerProcess.SuperuserPassword(server) }, new PgbouncerMetricSet());

        var result = Assert.Single(await receiver.ScrapeOnceAsync(Cancel));
        var notAllowedResult = await notAllowed.ScrapeAsync(Cancel);

        Assert.Equal(0, result.PointsRecorded);
        Assert.Equal(0, consumer.Points);
        Assert.Equal(ScrapeErrorKind.Authentication, Assert.Single(result.Errors).Kind);
        Assert.DoesNotContain("not-the-password", result.Errors[0].Message, StringComparison.Ordinal);
        var problem = Assert.Single(receiver.ReadinessProblems);
        Assert.Contains("refused the admin console login of 'stats'", problem, StringComparison.Ordinal);
        Assert.Equal(1, errors.Count("authentication"));

        // A user PgBouncer knows but that is neither in stats_users nor admin_users is refused too.
        Assert.Equal((0, ScrapeErrorKind.Authentication), (notAllowedResult.PointsRecorded, Assert.Single(notAllowedResult.Errors).Kind));
    }

    [Fact]
    public async Task A_pool_whose_clients_wait_with_no_server_connection_is_unready_while_its_metrics_still_arrive()
    {
        PgbouncerAvailability.Require();
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var closedPort = ClosedPort();
        await using var pgbouncer = await StartAsync(server, new Dictionary<string, string>
        {
            ["app"] = PgbouncerProcess.Target(server, "postgres"),
            ["gone"] = $"host=127.0.0.1 port={closedPort} dbname=postgres",
        }, settings: new Dictionary<string, string> { ["query_wait_timeout"] = "3" });
        var name = "pgbouncer/gone-" + Guid.NewGuid().ToString("N")[..6];
        using var errors = new ScrapeErrorListener(name);
        await using var receiver = new PgbouncerReceiver(name, Console(pgbouncer), new ScraperControllerOptions(), new PgbouncerMetricSet(), new Consumer());
        await RunAsync(pgbouncer, "app", "SELECT 1", Cancel);

        // A client of "gone" waits for a server PgBouncer cannot connect to, until query_wait_timeout (3 s) ends it.
        var waiting = RunAsync(pgbouncer, "gone", "SELECT 1", Cancel, timeoutSeconds: 15);
        await WaitUntilAsync(async () => Pool(await pgbouncer.ShowAsync("SHOW POOLS", Stats, Cancel), "gone") is { } pool && pool["cl_waiting"] != "0");
        var unhealthy = Assert.Single(await receiver.ScrapeOnceAsync(Cancel));
        var (problems, unhealthyPoints) = (receiver.ReadinessProblems, Points(unhealthy.Metrics));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => waiting);
        await WaitUntilAsync(async () => Pool(await pgbouncer.ShowAsync("SHOW POOLS", Stats, Cancel), "gone") is not { } pool || pool["cl_waiting"] == "0");
        var healthy = Assert.Single(await receiver.ScrapeOnceAsync(Cancel));

        var problem = Assert.Single(problems);
        Assert.Contains("pool gone/postgres", problem, StringComparison.Ordinal);
        Assert.Contains("no server connection", problem, StringComparison.Ordinal);
        Assert.True(unhealthy.PointsRecorded > 0, "the pools' metrics arrive beside the problem");
        Assert.Contains(unhealthyPoints, p => p.Metric == "pgbouncer.pool.client.connections" && p.Database == "gone" && p.State == "waiting" && p.Value >= 1);
        Assert.Equal(1, errors.Count("connection"));
        Assert.Empty(healthy.Errors);
        Assert.Empty(receiver.ReadinessProblems);
    }

    [Theory]
    [InlineData("scram-sha-256")]
    [InlineData("md5")]
    [InlineData("plain")]
    [InlineData("trust")]
    public async Task The_admin_console_login_works_with_each_password_method(string authType)
    {
        PgbouncerAvailability.Require();
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var pgbouncer = await StartAsync(server, new Dictionary<string, string> { ["app"] = PgbouncerProcess.Target(server, "postgres") }, authType);
        await using var scraper = new PgbouncerScraper(Console(pgbouncer), new PgbouncerMetricSet());

        var result = await scraper.ScrapeAsync(Cancel);

        Assert.True(result.IsComplete, string.Join("\n", result.Errors));
        Assert.Contains(Points(result.Metrics), p => p.Metric == "pgbouncer.database.pool.size" && p.Database == "app");
        Assert.True(result.ServerVersionNum >= 11700, $"PgBouncer's version as a number, was {result.ServerVersionNum}");
    }

    /// <summary>SHOW command, column, metric, and the state attribute it is recorded with (null for none).</summary>
    private static readonly (string Command, string Column, string Metric, string? State)[] Expectations =
    [
        ("SHOW STATS", "total_xact_count", "pgbouncer.transactions", null),
        ("SHOW STATS", "total_query_count", "pgbouncer.queries", null),
        ("SHOW STATS", "total_xact_time", "pgbouncer.transaction.time", null),
        ("SHOW STATS", "total_query_time", "pgbouncer.query.time", null),
        ("SHOW STATS", "total_wait_time", "pgbouncer.client.wait.time", null),
        ("SHOW STATS", "total_server_assignment_count", "pgbouncer.server.assignments", null),
        ("SHOW POOLS", "cl_active", "pgbouncer.pool.client.connections", "active"),
        ("SHOW POOLS", "cl_waiting", "pgbouncer.pool.client.connections", "waiting"),
        ("SHOW POOLS", "sv_active", "pgbouncer.pool.server.connections", "active"),
        ("SHOW POOLS", "sv_idle", "pgbouncer.pool.server.connections", "idle"),
        ("SHOW POOLS", "sv_login", "pgbouncer.pool.server.connections", "login"),
        ("SHOW DATABASES", "pool_size", "pgbouncer.database.pool.size", null),
        ("SHOW DATABASES", "current_connections", "pgbouncer.database.server.connections", null),
        ("SHOW DATABASES", "max_client_connections", "pgbouncer.database.client.connection.limit", null),
        ("SHOW DATABASES", "paused", "pgbouncer.database.paused", null),
        ("SHOW LISTS", "pools", "pgbouncer.pools", null),
        ("SHOW LISTS", "used_clients", "pgbouncer.client.slots", "used"),
        ("SHOW LISTS", "used_servers", "pgbouncer.server.slots", "used"),
    ];

    private static double Scaled(string metric, string? text)
    {
        var value = double.Parse(text!, CultureInfo.InvariantCulture);
        return metric.EndsWith(".time", StringComparison.Ordinal) ? value / 1_000_000 : value;
    }

    private static double MaxWait(IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>> show, string database)
    {
        var pool = Pool(show["SHOW POOLS"], database)!;
        return double.Parse(pool["maxwait"]!, CultureInfo.InvariantCulture) + (double.Parse(pool["maxwait_us"]!, CultureInfo.InvariantCulture) / 1_000_000);
    }

    private static IReadOnlyDictionary<string, string?>? Pool(IReadOnlyList<IReadOnlyDictionary<string, string?>> pools, string database)
        => pools.SingleOrDefault(p => p["database"] == database);

    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>>> ShowAllAsync(PgbouncerProcess pgbouncer)
    {
        var answers = new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>>();
        foreach (var command in new[] { "SHOW STATS", "SHOW POOLS", "SHOW DATABASES", "SHOW LISTS" })
        {
            answers[command] = await pgbouncer.ShowAsync(command, Stats, Cancel);
        }

        return answers;
    }

    private static double Value(List<Point> points, string metric, string database, string? state = null)
        => points.Single(p => p.Metric == metric && p.Database == database && p.State == state && p.User is null or "postgres").Value;

    private sealed record Point(string Metric, string? Database, string? User, string? State, double Value);

    private static List<Point> Points(MetricsBuffer buffer)
        => [.. buffer.Points.ToArray().Select(p =>
        {
            var resource = buffer.Resources[p.ResourceIndex];
            string? Resource(string key) => resource.Where(a => a.Key == key).Select(a => a.StringValue).FirstOrDefault();
            var state = buffer.GetAttributes(p).ToArray().Where(a => a.Key == "state").Select(a => a.StringValue).FirstOrDefault();
            return new Point(p.Metric.Name, Resource("pgbouncer.database.name"), Resource("pgbouncer.user.name"), state, p.AsDouble());
        })];

    private static PgbouncerMetricsConfig AllMetrics()
    {
        var config = new PgbouncerMetricsConfig();
        foreach (var name in PgbouncerMetricsConfig.MetricNames)
        {
            config.Find(name)!.Enabled = true;
        }

        return config;
    }

    private static AdminConsoleOptions Console(PgbouncerProcess pgbouncer)
        => new() { Host = "127.0.0.1", Port = pgbouncer.Port, Username = Stats, Password = StatsPassword };

    private static Task<PgbouncerProcess> StartAsync(IPostgresServer server, Dictionary<string, string> databases, string authType = "scram-sha-256", Dictionary<string, string>? settings = null)
        => PgbouncerProcess.StartAsync(new PgbouncerSetup
        {
            Databases = databases,
            Users = new Dictionary<string, string> { ["postgres"] = PgbouncerProcess.SuperuserPassword(server), [Stats] = StatsPassword },
            StatsUsers = [Stats],
            AuthType = authType,
            PoolMode = "transaction",
            Settings = settings ?? [],
        }, Cancel);

    private static async Task RunAsync(PgbouncerProcess pgbouncer, string database, string sql, CancellationToken cancellationToken, int timeoutSeconds = 60)
    {
        // Npgsql's Timeout, not a cancellation, ends a wait for PgBouncer's login: Npgsql does not cancel that wait.
        await using var connection = new NpgsqlConnection(pgbouncer.ConnectionString(database, "postgres") + ";Timeout=" + timeoutSeconds.ToString(CultureInfo.InvariantCulture));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the workload did not reach the expected state within 20 s");
            await Task.Delay(50, Cancel);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Counts pgmetrics.scrape.errors of one receiver by kind, as the self-metrics see them.</summary>
    private sealed class ScrapeErrorListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];

        public ScrapeErrorListener(string receiver)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Runtime.Telemetry.PgMetricsMeter.Name && instrument.Name == "pgmetrics.scrape.errors")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? kind = null, from = null;
                foreach (var tag in tags)
                {
                    (kind, from) = tag.Key switch { "kind" => (tag.Value as string, from), "receiver" => (kind, tag.Value as string), _ => (kind, from) };
                }

                if (from == receiver && kind is not null)
                {
                    lock (_counts)
                    {
                        _counts[kind] = _counts.GetValueOrDefault(kind) + value;
                    }
                }
            });
            _listener.Start();
        }

        public long Count(string kind)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(kind);
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    private sealed class Consumer : IMetricsConsumer
    {
        public int Points { get; private set; }

        public void ConsumeMetrics(MetricsBuffer metrics) => Points += metrics.Count;
    }
}
