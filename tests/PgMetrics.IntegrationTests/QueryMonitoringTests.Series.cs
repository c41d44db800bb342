using System.Globalization;
using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Queries;

namespace PgMetrics.IntegrationTests;

/// <summary>Query ids that share a fingerprint are one <c>postgresql.query.*</c> series, holding what pg_stat_statements has for all of them.</summary>
public sealed partial class QueryMonitoringTests
{
    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Query_ids_that_share_a_fingerprint_are_one_series_with_the_sum_pg_stat_statements_has_for_them_as_ids_come_and_go(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE TABLE in_lists (x int, y text); INSERT INTO in_lists SELECT g, 'y' FROM generate_series(1, 10) g", Cancel);
        await using var scraper = Monitor(database.ConnectionString, database.Name);
        var fingerprint = QueryFingerprinter.Fingerprint("SELECT y FROM in_lists WHERE x IN (1, 2)");
        await ScrapeAsync(scraper);

        // IN lists of six lengths, each run as often as it is long, and one sent with parameters: before PostgreSQL 18
        // each length has its query id, and on every version IN (1) and the parameters have their own.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            for (var length = 1; length <= 6; length++)
            {
                await RunInListAsync(connection, length, times: length);
            }

            for (var i = 0; i < 3; i++)
            {
                await using var command = new NpgsqlCommand("SELECT y FROM in_lists WHERE x IN ($1, $2)", connection);
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 1 });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = i });
                await command.ExecuteNonQueryAsync(Cancel);
            }
        }

        var first = await ScrapeAsync(scraper);
        var before = await StatementsAsync(database, fingerprint.Hex);
        Assert.True(before.Count >= 2, $"PostgreSQL {major} filed the statements under {before.Count} query id(s); the test needs several");
        Assert.Equal(21 + 3, before.Values.Sum(s => s.Calls));
        AssertOneSeries(first.Buffer, database.Name, fingerprint.Hex, Sum(before.Values));

        // The set of query ids changes: one is reset (it counts from zero), one is new, one goes on.
        var reset = before.MaxBy(s => s.Value.Calls).Key;
        await database.ExecuteAsync($"SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), {reset})", Cancel);
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            await RunInListAsync(connection, 3, times: 2);
            await RunInListAsync(connection, 2, times: 1);
            await RunInListAsync(connection, 7, times: 4);
        }

        var second = await ScrapeAsync(scraper);
        var after = await StatementsAsync(database, fingerprint.Hex);
        var expected = Sum(after.Select(s => before.TryGetValue(s.Key, out var was) && s.Key != reset ? s.Value - was : s.Value));
        Assert.Equal(7, expected.Calls);
        AssertOneSeries(second.Buffer, database.Name, fingerprint.Hex, expected);

        // Events stay pg_stat_statements entries, one per query id, as the receiver sends them.
        var events = second.Events.Where(e => e.EventName == "db.server.top_query" && Attributes(e)["db.query.fingerprint"] == fingerprint.Hex).Select(Attributes).ToList();
        Assert.Equal(events.Count, events.Select(e => e["postgresql.queryid"]).Distinct().Count());
        Assert.Equal(7, events.Sum(e => long.Parse(e["postgresql.calls"], CultureInfo.InvariantCulture)));
    }

    private static async Task RunInListAsync(NpgsqlConnection connection, int length, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await using var command = new NpgsqlCommand($"SELECT y FROM in_lists WHERE x IN ({string.Join(", ", Enumerable.Range(i, length))})", connection);
            await command.ExecuteNonQueryAsync(Cancel);
        }
    }

    /// <summary>The oracle: pg_stat_statements' totals of this database's statements with the fingerprint, by query id.</summary>
    private static async Task<Dictionary<long, StatementTotals>> StatementsAsync(TestDatabase database, string fingerprint)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        var column = connection.PostgreSqlVersion.Major >= 13 ? "total_exec_time" : "total_time";
        await using var command = new NpgsqlCommand(
            $"SELECT queryid, query, calls, {column}, rows, shared_blks_hit, shared_blks_read, temp_blks_read, temp_blks_written FROM pg_stat_statements "
            + "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var statements = new Dictionary<long, StatementTotals>();
        while (await reader.ReadAsync(Cancel))
        {
            if (QueryFingerprinter.Fingerprint(reader.GetString(1)).Hex == fingerprint)
            {
                statements.Add(reader.GetInt64(0), new StatementTotals(
                    reader.GetInt64(2), reader.GetDouble(3), 0, reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), 0, 0, reader.GetInt64(7), reader.GetInt64(8), 0));
            }
        }

        return statements;
    }

    private static StatementTotals Sum(IEnumerable<StatementTotals> statements)
        => statements.Aggregate((a, b) => new StatementTotals(
            a.Calls + b.Calls, a.ExecutionTimeMilliseconds + b.ExecutionTimeMilliseconds, 0, a.Rows + b.Rows, a.SharedBlocksHit + b.SharedBlocksHit,
            a.SharedBlocksRead + b.SharedBlocksRead, 0, 0, a.TempBlocksRead + b.TempBlocksRead, a.TempBlocksWritten + b.TempBlocksWritten, 0));

    /// <summary>Every point of the scrape has an attribute set of its own, and the fingerprint's series holds <paramref name="expected"/>.</summary>
    private static void AssertOneSeries(MetricsBuffer buffer, string database, string fingerprint, StatementTotals expected)
    {
        var points = Points(buffer);
        var repeated = points.GroupBy(p => p.Metric + " " + string.Join(", ", p.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value)))
            .Where(g => g.Count() > 1).Select(g => $"{g.Count()} x {g.Key}").ToList();
        Assert.True(repeated.Count == 0, "points with the same attributes:\n" + string.Join("\n", repeated));
        double Value(string metric) => Assert.Single(points, p => p.Metric == metric && p.Attributes["postgresql.database.name"] == database && p.Attributes["db.query.fingerprint"] == fingerprint).Value;
        Assert.Equal(expected.Calls, Value("postgresql.query.calls"));
        Assert.Equal(expected.Rows, Value("postgresql.query.rows"));
        Assert.Equal(expected.SharedBlocksHit, Value("postgresql.query.shared_blocks.hit"));
        Assert.Equal(expected.SharedBlocksRead, Value("postgresql.query.shared_blocks.read"));
        Assert.Equal(expected.TempBlocksRead + expected.TempBlocksWritten, Value("postgresql.query.temp_blocks"));

        // Sums of the server's float milliseconds, added in another order: equal to the last few bits.
        Assert.Equal(expected.ExecutionTimeMilliseconds / 1000, Value("postgresql.query.total_time"), 1e-9);
        Assert.Equal(expected.ExecutionTimeMilliseconds / 1000 / expected.Calls, Value("postgresql.query.mean_time"), 1e-9);
    }
}
