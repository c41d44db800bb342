using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Live;

/// <summary>
/// <c>pgmetrics top</c>, the real binary: in a real terminal (tmux) it fills the alternate screen, updates
/// it every scrape, and gives the terminal back on Ctrl-C; through a pipe it prints one line per scrape.
/// </summary>
public sealed class TopCommandTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_a_terminal_top_fills_the_screen_updates_it_and_gives_it_back_on_ctrl_c()
    {
        TmuxSession.Require();
        var server = await servers.GetAsync(PostgresVersions.Requested.Max(), Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        // The shell outlives the Ctrl-C that stops top (a non-interactive sh would die of it), to show top's exit code.
        var script = $"""
            trap : INT
            echo BEFORE-TOP
            env -u CI -u NEW_RELIC_LICENSE_KEY dotnet {Quote(CollectorProcess.Binary)} top --connection {Quote(server.ConnectionString)} --database {database.Name} --interval 1s
            echo TOP-EXIT=$?
            sleep 120
            """;
        await using var terminal = await TmuxSession.StartAsync(script, 120, 40);

        // The first scrape only sets the baselines; from the second one the row shows rates.
        var screen = await terminal.WaitForAsync(
            s => s.Split('\n').Any(line => line.StartsWith(database.Name + " ", StringComparison.Ordinal) && char.IsDigit(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1][0])),
            TimeSpan.FromSeconds(60), "a rate in the database's row");
        Assert.True(await terminal.AlternateScreenAsync(), "top draws on the alternate screen");
        Assert.DoesNotContain("BEFORE-TOP", screen, StringComparison.Ordinal);
        Assert.Contains("connections ", screen, StringComparison.Ordinal);
        Assert.Contains("pgmetrics  scrape ", screen, StringComparison.Ordinal);
        Assert.All(screen.Split('\n'), line => Assert.True(line.Length <= 120));
        var read = ReadTime(screen);
        await terminal.WaitForAsync(s => ReadTime(s) is { } later && later != read, TimeSpan.FromSeconds(30), "a later scrape redrawn in place");

        await terminal.SendKeysAsync("C-c");
        var after = await terminal.WaitForAsync(s => s.Contains("TOP-EXIT=", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "top exiting");

        Assert.Contains("TOP-EXIT=0", after, StringComparison.Ordinal);
        Assert.False(await terminal.AlternateScreenAsync(), "the normal screen is back");
        Assert.True(await terminal.CursorShownAsync(), "the cursor is shown again");
        Assert.Contains("BEFORE-TOP", after, StringComparison.Ordinal);
        Assert.Contains("Stopped.", after, StringComparison.Ordinal);
        Assert.DoesNotContain("commit/s", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_a_pipe_top_prints_one_summary_line_per_scrape_without_escape_codes()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested.Max(), Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);

        var (exitCode, output, errors) = await CollectorProcess.RunAsync(["top", "--connection", server.ConnectionString, "--database", database.Name, "--interval", "1s", "--duration", "4500ms"]);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}\n{errors}");
        var lines = output.Split('\n').Where(line => line.Contains(" server=", StringComparison.Ordinal)).ToList();
        Assert.InRange(lines.Count, 2, 6);
        Assert.Matches(@" commits/s=\d+\.\d ", lines[^1]);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("Exporter live: ", output, StringComparison.Ordinal);
    }

    private static string? ReadTime(string screen)
        => System.Text.RegularExpressions.Regex.Match(screen, @"read (\d\d:\d\d:\d\d)") is { Success: true } match ? match.Groups[1].Value : null;
}
