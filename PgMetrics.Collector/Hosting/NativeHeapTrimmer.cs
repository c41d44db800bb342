namespace PgMetrics.Collector.Hosting;

/// <summary>
/// Calls <see cref="NativeHeap.Trim"/> once a <see cref="Period"/> while <c>run</c> runs, so native memory the
/// collector freed goes back to the kernel instead of adding up in glibc's arenas (see <see cref="NativeHeap"/>).
/// </summary>
internal sealed class NativeHeapTrimmer : IAsyncDisposable
{
    /// <summary>How often the arenas are trimmed: rarely enough to cost nothing (a trim takes well under a millisecond at the collector's size), often enough that freed memory never lingers for long.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Starts trimming in the background.</summary>
    public void Start() => _loop = RunAsync(_stop.Token);

    private static async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                NativeHeap.Trim();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
