using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live.Output;

/// <summary>
/// The full-screen display: the terminal's alternate screen (where it has one), redrawn in place by
/// Spectre.Console's live display whenever the view changes, and at least every second (the clock, a
/// resized terminal). Stopping, a Ctrl-C that stops the collector, and even a forced exit give the
/// terminal back as it was: the normal screen, the cursor shown.
/// </summary>
internal sealed class LiveScreen : IAsyncDisposable
{
    // Leave the alternate screen, show the cursor: what a forced exit must still write.
    private const string Restore = "\u001b[?1049l\u001b[?25h";
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly IAnsiConsole _console;
    private readonly Func<int, IRenderable> _view;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private int _restored;

    /// <summary>A screen on <paramref name="console"/> showing <paramref name="view"/> (given the width); nothing is drawn until <see cref="Start"/>.</summary>
    public LiveScreen(IAnsiConsole console, Func<int, IRenderable> view)
    {
        _console = console;
        _view = view;
    }

    /// <summary>Takes the terminal and draws on a thread of its own until stopped.</summary>
    public void Start()
    {
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        _running = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Asks for a redraw; calls while one is pending are merged.</summary>
    public void Invalidate()
    {
        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another thread asked at the same moment: one redraw serves both.
        }
    }

    /// <summary>Stops drawing and gives the terminal back.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }

    private void Run()
    {
        Exception? failure = null;
        _console.Cursor.Show(false);
        try
        {
            if (_console.Profile.Capabilities.Ansi && _console.Profile.Capabilities.AlternateBuffer)
            {
                _console.AlternateScreen(DrawUntilStopped);
            }
            else
            {
                DrawUntilStopped();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or FormatException)
        {
            // A view that cannot be drawn must not take the collector down: the other exporters go on.
            failure = ex;
        }
        finally
        {
            _console.Cursor.Show(true);
            Interlocked.Exchange(ref _restored, 1);
        }

        if (failure is not null)
        {
            System.Console.Error.WriteLine($"The live view stopped: {failure.Message}");
        }
    }

    private void DrawUntilStopped()
    {
        while (!_stop.IsCancellationRequested)
        {
            // A live display redraws over its own previous height; after a resize that height is wrong, so
            // the screen is cleared and a new display begins.
            var size = (_console.Profile.Width, _console.Profile.Height);
            _console.Clear(home: true);
            _console.Live(_view(size.Width))
                .Overflow(VerticalOverflow.Crop)
                .Cropping(VerticalOverflowCropping.Bottom)
                .AutoClear(false)
                .Start(context =>
                {
                    while (!_stop.IsCancellationRequested && (_console.Profile.Width, _console.Profile.Height) == size)
                    {
                        try
                        {
                            _changed.Wait(Tick, _stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }

                        context.UpdateTarget(_view(size.Width));
                    }
                });
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        // A second Ctrl-C exits at once (Environment.Exit) without waiting for the drawing thread.
        if (Interlocked.Exchange(ref _restored, 1) == 0)
        {
            System.Console.Out.Write(Restore);
            System.Console.Out.Flush();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _changed.Dispose();
        _stop.Dispose();
    }
}
