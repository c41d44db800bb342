using System.Diagnostics;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// A program in a real terminal: a tmux session on a tmux server of its own (its own socket), read with
/// capture-pane as a person sees the screen and typed into with send-keys. <c>./build.sh --target=Test</c>
/// installs tmux; where it is missing the tests that need it fail and say what to install.
/// </summary>
public sealed class TmuxSession : IAsyncDisposable
{
    private const string Tmux = "/usr/bin/tmux";
    private readonly string _socket = "pgmetrics-test-" + Guid.NewGuid().ToString("N")[..8];

    private TmuxSession()
    {
    }

    public static void Require()
    {
        if (!File.Exists(Tmux))
        {
            Assert.Fail($"{Tmux} is not installed (apt-get install tmux; ./build.sh --target=Test installs it)");
        }
    }

    /// <summary>Starts <paramref name="script"/> (a shell script) in a terminal of <paramref name="width"/> by <paramref name="height"/> characters.</summary>
    public static async Task<TmuxSession> StartAsync(string script, int width, int height)
    {
        var session = new TmuxSession();
        var file = Path.Combine(Path.GetTempPath(), session._socket + ".sh");
        await File.WriteAllTextAsync(file, script);
        await session.RunAsync("new-session", "-d", "-s", "test", "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture), "sh " + file);
        await session.RunAsync("set-option", "-t", "test", "remain-on-exit", "on");
        return session;
    }

    /// <summary>What the terminal shows now, line by line.</summary>
    public async Task<string> CaptureAsync() => await RunAsync("capture-pane", "-p", "-t", "test");

    /// <summary>Whether the program switched the terminal to its alternate screen.</summary>
    public async Task<bool> AlternateScreenAsync() => (await RunAsync("display", "-p", "-t", "test", "#{alternate_on}")).Trim() == "1";

    /// <summary>Whether the cursor is shown.</summary>
    public async Task<bool> CursorShownAsync() => (await RunAsync("display", "-p", "-t", "test", "#{cursor_flag}")).Trim() == "1";

    /// <summary>Types keys, in send-keys' names (e.g. <c>C-c</c>).</summary>
    public Task SendKeysAsync(string keys) => RunAsync("send-keys", "-t", "test", keys);

    /// <summary>Waits until the screen satisfies <paramref name="condition"/>; fails with the last screen after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var screen = await CaptureAsync();
            if (condition(screen))
            {
                return screen;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {timeout.TotalSeconds} s; the screen:\n{screen}");
            await Task.Delay(200);
        }
    }

    private async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Tmux) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-L", _socket, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"tmux {string.Join(' ', arguments)}: {errors}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("kill-server");
        }
        catch (Xunit.Sdk.XunitException)
        {
            // The server ended with its last session.
        }

        File.Delete(Path.Combine(Path.GetTempPath(), _socket + ".sh"));
    }
}
