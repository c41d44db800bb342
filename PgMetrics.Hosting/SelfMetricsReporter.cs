using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Hosting;

/// <summary>
/// Reports the collector's own <c>pgmetrics.*</c> metrics on an interval, through the fan-out, so they
/// take the same processors and exporters as what is scraped. A second source beside the receivers.
/// </summary>
internal sealed class SelfMetricsReporter : IAsyncDisposable
{
    private readonly SelfMetricsCollector _collector;
    private readonly long _startTimeUnixNano;
    private readonly MetricsBuffer _buffer;
    private CancellationTokenSource? _stop;
    private Task _running = Task.CompletedTask;
    private MetricsFanOut? _target;

    /// <summary>Creates the reporter; it reports nowhere until <see cref="Start"/>.</summary>
    public SelfMetricsReporter(SelfMetricsCollector collector, long startTimeUnixNano)
    {
        _collector = collector;
        _startTimeUnixNano = startTimeUnixNano;
        _buffer = new MetricsBuffer(startTimeUnixNano);
    }

    /// <summary>Reports to <paramref name="target"/> every <paramref name="interval"/> until stopped.</summary>
    public void Start(MetricsFanOut target, TimeSpan interval)
    {
        _target = target;
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _running = Task.Run(() => RunAsync(interval, stop), CancellationToken.None);
    }

    /// <summary>Stops the interval; reports once more when <paramref name="reportNow"/> (at shutdown, so the last counts leave).</summary>
    public async Task StopAsync(bool reportNow)
    {
        if (_stop is { } stop)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await _running.ConfigureAwait(false);
            stop.Dispose();
            _stop = null;
        }

        if (reportNow)
        {
            Report();
        }
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Report();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Report()
    {
        if (_target is not { } target)
        {
            return;
        }

        lock (_buffer)
        {
            _buffer.Clear();
            _buffer.StartTimeUnixNano = _startTimeUnixNano;
            _collector.AppendTo(_buffer, UnixTime.NowNanoseconds());
            target.ConsumeSelfMetrics(_buffer);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync(reportNow: false).ConfigureAwait(false);
}
