using Microsoft.Extensions.Logging;
using PgMetrics.Hosting;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// Runs <c>service.memory_limiter</c> (<see cref="MemoryLimiterConfig"/>): every check interval it reads the
/// process's resident memory and, above the soft limit, asks the garbage collector for a full, compacting
/// collection that gives freed memory back to the operating system (<see cref="GCCollectionMode.Aggressive"/>).
/// It reads the config on every check, so a reload applies without a restart.
/// </summary>
internal sealed class MemoryLimiter : IAsyncDisposable
{
    private const long Mib = 1024 * 1024;

    private readonly Func<MemoryLimiterConfig> _config;
    private readonly ILogger _logger;
    private readonly Func<long> _residentBytes;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _afterLastCollection;
    private bool _warnedAboveLimit;

    /// <summary>Creates the limiter; it checks nothing until <see cref="Start"/>.</summary>
    /// <param name="config">The limiter's settings now (those of the running config).</param>
    /// <param name="logger">Where collections (debug) and a limit too low (warning, once) are logged.</param>
    /// <param name="residentBytes">Reads resident memory in bytes; <see cref="Environment.WorkingSet"/> unless a test gives another.</param>
    public MemoryLimiter(Func<MemoryLimiterConfig> config, ILogger logger, Func<long>? residentBytes = null)
    {
        _config = config;
        _logger = logger;
        _residentBytes = residentBytes ?? (() => Environment.WorkingSet);
    }

    /// <summary>Full collections the limiter asked for so far.</summary>
    public int Collections { get; private set; }

    /// <summary>Starts checking in the background.</summary>
    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>
    /// One check: collects when resident memory is above the soft limit. After a collection that could not
    /// bring it under (what the collector holds is that large), the next one waits until another half spike
    /// has been added rather than running on every check.
    /// </summary>
    /// <returns>Whether it collected.</returns>
    public bool Check()
    {
        var config = _config();
        if (!config.Enabled)
        {
            return false;
        }

        var resident = _residentBytes();
        var threshold = Math.Max(config.SoftLimitBytes, _afterLastCollection + (config.SpikeLimitMib * Mib / 2));
        if (resident <= threshold)
        {
            return false;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Collections++;
        _afterLastCollection = _residentBytes();
        CollectorLog.MemoryCollected(_logger, resident / Mib, config.SoftLimitBytes / Mib, _afterLastCollection / Mib);
        if (_afterLastCollection > config.SoftLimitBytes && !_warnedAboveLimit)
        {
            _warnedAboveLimit = true;
            CollectorLog.MemoryAboveLimit(_logger, _afterLastCollection / Mib, config.SoftLimitBytes / Mib);
        }

        return true;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(_config().CheckInterval, cancellationToken).ConfigureAwait(false);
                Check();
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
