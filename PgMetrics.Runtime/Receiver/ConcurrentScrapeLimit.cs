namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// How many scrapes may run at once across every receiver that shares this limit: with many targets in
/// one process, scrapes queue for a slot instead of all opening connections at the same moment. A scrape's
/// timeout starts when it has its slot, so waiting behind others never counts against a target. A
/// <see cref="SemaphoreSlim"/> does the counting.
/// </summary>
public sealed class ConcurrentScrapeLimit : IDisposable
{
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates a limit of <paramref name="maxConcurrentScrapes"/> scrapes at a time.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrentScrapes"/> is less than 1.</exception>
    public ConcurrentScrapeLimit(int maxConcurrentScrapes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentScrapes, 1);
        MaxConcurrentScrapes = maxConcurrentScrapes;
        _slots = new SemaphoreSlim(maxConcurrentScrapes, maxConcurrentScrapes);
    }

    /// <summary>The most scrapes that run at once.</summary>
    public int MaxConcurrentScrapes { get; }

    /// <summary>Scrapes running now.</summary>
    public int Running => MaxConcurrentScrapes - _slots.CurrentCount;

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting.</exception>
    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(_slots);
    }

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();

    /// <summary>A slot held by one scrape; disposing it lets the next scrape run.</summary>
    public readonly struct Slot : IDisposable
    {
        private readonly SemaphoreSlim? _slots;

        internal Slot(SemaphoreSlim slots) => _slots = slots;

        /// <inheritdoc/>
        public void Dispose() => _slots?.Release();
    }
}
