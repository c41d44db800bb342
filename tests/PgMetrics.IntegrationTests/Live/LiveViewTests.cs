using System.Globalization;
using Npgsql;
using PgMetrics.Collector.Exporters.Live;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Queries;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Live;

/// <summary>
/// The live view against a real server, read off Spectre.Console's test console as a person reads the
/// screen: rates between two scrapes agree with what pg_stat_database counted in between, a blocked
/// session appears with the session blocking it and goes when released, and a narrow terminal loses
/// columns rather than wrapping rows.
/// </summary>
public sealed class LiveViewTests(QuietServers servers) : IClassFixture<QuietServers>
{
    private const int Commits = 40;
    private const int Rollbacks = 10;
    private const int Selects = 30;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Rates_after_a_scripted_workload_agree_with_what_the_server_counted_between_the_scrapes(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await PrepareAsync(server);
        await using var live = LiveHarness.Create(database);

        var before1 = await CountersAsync(database);
        var first = await live.ScrapeAsync();
        var after1 = await CountersAsync(database);
        await RunWorkloadAsync(database);
        await WaitForRollbacksAsync(database, after1.Rollbacks + Rollbacks);
        var before2 = await CountersAsync(database);
        var second = await live.ScrapeAsync();
        var after2 = await CountersAsync(database);

        // The scrapes read the counters somewhere inside their calls, so the interval and the deltas lie between these bounds.
        var (shortest, longest) = ((second.Start - first.End) / 1e9, (second.End - first.Start) / 1e9);
        var screen = live.Screen(160);
        var row = LiveHarness.DatabaseRow(screen, database.Name);
        AssertRate(row[1], (before2.Commits - after1.Commits) / longest, (after2.Commits - before1.Commits) / shortest, "commit/s");
        AssertRate(row[2], (before2.Rollbacks - after1.Rollbacks) / longest, (after2.Rollbacks - before1.Rollbacks) / shortest, "rollback/s");
        Assert.True(Parse(row[2]) > 0, "the workload's rollbacks show");
        Assert.Matches(@"\d+\.\d %", string.Join(' ', row));

        // The top statement: its normalized text, with calls per second over the interval.
        var text = QueryFingerprinter.Fingerprint("SELECT note FROM orders WHERE id = 7").NormalizedText;
        var statement = Assert.Single(screen, line => line.EndsWith(text, StringComparison.Ordinal));
        var calls = Parse(statement.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
        Assert.InRange(calls, (Selects / longest) - 0.05, (Selects / shortest) + 0.05);
        Assert.Contains(screen, line => line.StartsWith("top statements by time in the last", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_blocked_session_appears_with_the_session_blocking_it_and_goes_when_released(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await PrepareAsync(server);
        await using var live = LiveHarness.Create(database);
        await using var holder = new NpgsqlConnection(database.ConnectionString);
        await holder.OpenAsync(Cancel);
        await using var waiter = new NpgsqlConnection(database.ConnectionString);
        await waiter.OpenAsync(Cancel);
        await using var holding = await holder.BeginTransactionAsync(Cancel);
        await ExecuteAsync(holder, "UPDATE orders SET note = 'held' WHERE id = 1");
        var blocked = ExecuteAsync(waiter, "UPDATE orders SET note = 'waited' WHERE id = 1");
        await WaitUntilAsync(database, $"SELECT count(*) FROM pg_stat_activity WHERE pid = {waiter.ProcessID} AND wait_event_type = 'Lock'");

        await live.ScrapeAsync();
        var screen = live.Screen(160);

        Assert.Contains(screen, line => line.Contains("blocked sessions: 1", StringComparison.Ordinal));
        var row = Assert.Single(screen, line => line.Contains($" {waiter.ProcessID} ", StringComparison.Ordinal) && line.Contains($" {holder.ProcessID} ", StringComparison.Ordinal));
        Assert.Matches(@"\d+(\.\d)? (ms|s)", row);
        Assert.Contains(screen, line => line.Contains("Lock: transactionid", StringComparison.Ordinal));
        Assert.Contains(screen, line => line.Contains("idle in transaction 1", StringComparison.Ordinal));
        Assert.DoesNotMatch("oldest transaction –", string.Join('\n', screen));

        // A sample scrape that finds nobody blocked sends no event: the session goes after a whole round without one.
        await holding.CommitAsync(Cancel);
        await blocked;
        await live.ScrapeAsync();
        await live.ScrapeAsync();
        Assert.Contains(live.Screen(160), line => line.Contains("blocked sessions: 0", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_narrow_terminal_drops_columns_from_the_least_important_and_never_wraps_a_row(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await PrepareAsync(server);
        await using var live = LiveHarness.Create(database);
        await live.ScrapeAsync();
        await RunWorkloadAsync(database);
        await live.ScrapeAsync();

        var headers = new Dictionary<int, string[]>();
        foreach (var width in new[] { 160, 100, 72, 50, 32 })
        {
            var screen = live.Screen(width);
            Assert.All(screen, line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
            var header = Assert.Single(screen, line => line.StartsWith("database ", StringComparison.Ordinal));
            headers[width] = header.Replace("idle in tx", "idle_in_tx", StringComparison.Ordinal).Replace("oldest tx", "oldest_tx", StringComparison.Ordinal)
                .Replace("xid age", "xid_age", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var row = LiveHarness.DatabaseRow(screen, database.Name);
            Assert.True(headers[width].Length <= row.Length, $"at {width} the row has a value under every header: {string.Join(' ', row)}");
            Assert.Contains(screen, line => line.Contains("SELECT note FROM", StringComparison.Ordinal));
        }

        Assert.Equal(["database", "commit/s", "rollback/s", "trend", "hit", "active", "idle", "idle_in_tx", "oldest_tx", "deadlocks", "temp/s", "xid_age"], headers[160]);
        Assert.Equal(["database", "commit/s"], headers[32]);
        foreach (var (wider, narrower) in new[] { (160, 100), (100, 72), (72, 50), (50, 32) })
        {
            Assert.Subset(headers[wider].ToHashSet(), headers[narrower].ToHashSet());
        }

        Assert.Contains("rollback/s", headers[72]);
        Assert.DoesNotContain("xid_age", headers[72]);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Without_a_terminal_each_scrape_is_one_summary_line(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await PrepareAsync(server);
        await using var live = LiveHarness.Create(database, LiveDisplayMode.Lines);
        await live.ScrapeAsync();
        await RunWorkloadAsync(database);
        await WaitForRollbacksAsync(database, Rollbacks);
        await live.ScrapeAsync();

        var lines = live.Console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^\d\d:\d\d:\d\d server=127\.0\.0\.1:\d+ ", line));
        Assert.Contains("commits/s=– rollbacks/s=– ", lines[0], StringComparison.Ordinal);
        var rollbacks = System.Text.RegularExpressions.Regex.Match(lines[1], @" rollbacks/s=(\d+(?:\.\d)?) ");
        Assert.True(rollbacks.Success && Parse(rollbacks.Groups[1].Value) > 0, lines[1]);
        Assert.Matches(@" connections=\d+/\d+ ", lines[1]);
        Assert.Equal("2 summary lines written", live.Exporter.Summary);
    }

    private static async Task<TestDatabase> PrepareAsync(IPostgresServer server)
    {
        var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders VALUES (1, 'first')", Cancel);
        return database;
    }

    /// <summary>Commits, rollbacks and point lookups on one connection, closed at the end so its counters are flushed.</summary>
    private static async Task RunWorkloadAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        var id = await database.RowAsync("SELECT coalesce(max(id), 0) FROM orders", Cancel);
        for (var i = 1; i <= Commits; i++)
        {
            await ExecuteAsync(connection, $"INSERT INTO orders VALUES ({id[0] + i}, 'committed')");
        }

        for (var i = 1; i <= Rollbacks; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync(Cancel);
            await ExecuteAsync(connection, $"INSERT INTO orders VALUES ({-i}, 'rolled back')");
            await transaction.RollbackAsync(Cancel);
        }

        for (var i = 1; i <= Selects; i++)
        {
            await ExecuteAsync(connection, $"SELECT note FROM orders WHERE id = {i}");
        }
    }

    private static async Task<(long Commits, long Rollbacks)> CountersAsync(TestDatabase database)
    {
        var row = await database.RowAsync($"SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = '{database.Name}'", Cancel);
        return (row[0], row[1]);
    }

    // A closed backend's counters reach pg_stat_database a little later (the statistics collector before PostgreSQL 15).
    private static async Task WaitForRollbacksAsync(TestDatabase database, long atLeast)
    {
        for (var attempt = 0; (await CountersAsync(database)).Rollbacks < atLeast; attempt++)
        {
            Assert.True(attempt < 100, $"pg_stat_database never showed {atLeast} rollbacks");
            await Task.Delay(100, Cancel);
        }
    }

    private static async Task WaitUntilAsync(TestDatabase database, string countSql)
    {
        for (var attempt = 0; (await database.RowAsync(countSql, Cancel))[0] == 0; attempt++)
        {
            Assert.True(attempt < 100, "never true: " + countSql);
            await Task.Delay(100, Cancel);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private static double Parse(string shown) => double.Parse(shown, NumberStyles.Float, CultureInfo.InvariantCulture);

    // Shown with one decimal, so within 0.05 of the true rate.
    private static void AssertRate(string shown, double lowest, double highest, string column)
        => Assert.True(Parse(shown) >= lowest - 0.05 && Parse(shown) <= highest + 0.05, $"{column} {shown} is not within [{lowest:0.000}, {highest:0.000}]");
}
