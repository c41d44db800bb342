using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>The real collector binary, run as users run it.</summary>
public sealed class CollectorCommandTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Once_prints_a_table_of_the_collected_metrics(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);

        var (exitCode, output, errors) = await RunCollectorAsync(["once", "--connection", server.ConnectionString, "--database", database.Name]);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}\n{errors}");
        foreach (var metric in new[] { "postgresql.backends", "postgresql.commits", "postgresql.rollbacks", "postgresql.db_size" })
        {
            Assert.Contains(metric, output, StringComparison.Ordinal);
        }

        Assert.Contains(database.Name, output, StringComparison.Ordinal);
        Assert.Matches(@"\d{2,} points from \d{2,} queries", output);
    }

    [Fact]
    public async Task Once_against_an_unreachable_server_fails_without_showing_the_password()
    {
        const string password = "s3cret-Hunter2";
        var (exitCode, output, errors) = await RunCollectorAsync(["once", "--connection", $"Host=127.0.0.1;Port=1;Username=pgmetrics;Password={password};Timeout=3"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("Connection", output + errors, StringComparison.Ordinal);
        Assert.DoesNotContain(password, output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_without_a_server_explains_how_to_name_one()
    {
        var (exitCode, _, errors) = await RunCollectorAsync(["once"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--connection", errors, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Run_scrapes_repeatedly_until_its_duration_ends(int major)
    {
        var server = await servers.GetAsync(major, Cancel);

        var (exitCode, output, errors) = await RunCollectorAsync(["run", "--connection", server.ConnectionString, "--database", "postgres", "--interval", "1s", "--duration", "3500ms"]);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}\n{errors}");
        var scrapes = output.Split('\n').Count(line => line.Contains("scrape finished", StringComparison.Ordinal));
        Assert.InRange(scrapes, 2, 5);
        Assert.Contains("Stopped.", output, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output, string Errors)> RunCollectorAsync(string[] arguments) => CollectorProcess.RunAsync(arguments);
}
