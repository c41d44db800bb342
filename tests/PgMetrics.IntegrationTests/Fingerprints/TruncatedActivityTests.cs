using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Queries;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Fingerprints;

/// <summary>Statements longer than track_activity_query_size, as pg_stat_activity shows them.</summary>
public sealed class TruncatedActivityTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Track_activity_query_size_is_read_in_bytes_with_its_unit(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);

        var size = await ActivityQueryText.ReadTrackActivityQuerySizeAsync(connection, TimeSpan.FromSeconds(30), Cancel);

        // pg_size_bytes reads the setting as SHOW prints it ('1kB' on 13+, '1024' on 12): an independent reading.
        await using var show = new NpgsqlCommand("SELECT pg_size_bytes(current_setting('track_activity_query_size'))", connection);
        Assert.Equal((long)(await show.ExecuteScalarAsync(Cancel))!, size);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_statement_cut_by_the_server_is_marked_truncated_masked_and_kept_apart_from_the_complete_one(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        var complete = $"SELECT pg_sleep(30), length('hunter2-{new string('a', 1_500)}')";

        await using var sleeper = new NpgsqlConnection(database.ConnectionString);
        await sleeper.OpenAsync(Cancel);
        var sleeperPid = sleeper.ProcessID;
        var running = new NpgsqlCommand(complete, sleeper).ExecuteScalarAsync(Cancel);

        await using var monitor = new NpgsqlConnection(database.ConnectionString);
        await monitor.OpenAsync(Cancel);
        var size = await ActivityQueryText.ReadTrackActivityQuerySizeAsync(monitor, TimeSpan.FromSeconds(30), Cancel);
        var shown = await WaitForActivityAsync(monitor, sleeperPid);
        await using (var cancel = new NpgsqlCommand($"SELECT pg_cancel_backend({sleeperPid})", monitor))
        {
            await cancel.ExecuteScalarAsync(Cancel);
        }

        await Assert.ThrowsAsync<PostgresException>(() => running);

        var fingerprint = QueryFingerprinter.FingerprintActivity(shown, size);
        Assert.True(shown.Length < complete.Length, "the server should have cut the statement");
        Assert.True(fingerprint.IsTruncated);
        Assert.Equal("SELECT pg_sleep($1), length($2" + QueryFingerprinter.TruncatedMarker, fingerprint.NormalizedText);
        Assert.DoesNotContain("hunter2", fingerprint.NormalizedText, StringComparison.Ordinal);
        Assert.NotEqual(QueryFingerprinter.Fingerprint(complete).Hex, fingerprint.Hex);
        Assert.False(QueryFingerprinter.FingerprintActivity("SELECT pg_sleep(30), length('short')", size).IsTruncated);
    }

    private static async Task<string> WaitForActivityAsync(NpgsqlConnection monitor, int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var read = new NpgsqlCommand($"SELECT query FROM pg_stat_activity WHERE pid = {pid} AND state = 'active' AND query LIKE 'SELECT pg_sleep%'", monitor);
            if (await read.ExecuteScalarAsync(Cancel) is string query)
            {
                return query;
            }

            Assert.True(DateTime.UtcNow < deadline, "the long statement never showed in pg_stat_activity");
            await Task.Delay(100, Cancel);
        }
    }
}
