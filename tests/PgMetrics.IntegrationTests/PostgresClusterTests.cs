using Npgsql;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>The throwaway clusters the tests stand on: started as asked, and gone without a trace when disposed.</summary>
public sealed class PostgresClusterTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cluster_serves_its_version_with_pg_stat_statements_and_leaves_nothing_behind()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("PGMETRICS_TEST_CONNECTION") is { Length: > 0 }, "tests use an existing server");
        var major = PostgresVersions.Requested[^1];

        var cluster = await PostgresCluster.StartAsync(major, Cancel);
        int pid;
        string dataDirectory;
        try
        {
            pid = cluster.ProcessId;
            dataDirectory = cluster.DataDirectory;
            await using var connection = new NpgsqlConnection(cluster.ConnectionString);
            await connection.OpenAsync(Cancel);
            await using var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int / 10000, current_setting('shared_preload_libraries'), pg_backend_pid() <> 0", connection);
            await using var reader = await command.ExecuteReaderAsync(Cancel);
            Assert.True(await reader.ReadAsync(Cancel));
            Assert.Equal(major, reader.GetInt32(0));
            Assert.Contains("pg_stat_statements", reader.GetString(1), StringComparison.Ordinal);
            Assert.True(Directory.Exists(dataDirectory));
            Assert.True(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.False(Directory.Exists(dataDirectory), "the data directory should be deleted");
        Assert.False(Directory.Exists($"/proc/{pid}"), $"the postmaster (pid {pid}) should have exited");
    }
}
