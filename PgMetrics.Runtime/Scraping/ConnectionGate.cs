namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// One scrape's bound on the connections its per-database queries hold at once (<c>max_concurrent_databases</c>).
/// Every database enters once, in turn, for its first connection; a database's second lane may take a spare
/// slot only once every database has entered, and only if one is free then, so a second connection never
/// keeps another database waiting.
/// </summary>
internal sealed class ConnectionGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _notYetEntered;

    /// <param name="slots">Connections at once: 1 or more.</param>
    /// <param name="databases">The databases that will each enter once.</param>
    public ConnectionGate(int slots, int databases)
    {
        _slots = new SemaphoreSlim(Math.Max(1, slots));
        _notYetEntered = databases;
    }

    /// <summary>Waits for a slot for a database's first connection; <see cref="Release"/> gives it back.</summary>
    /// <exception cref="OperationCanceledException">The scrape was cancelled while waiting.</exception>
    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Decrement(ref _notYetEntered);
    }

    /// <summary>
    /// Takes a slot for a second connection if every database has had its first and a slot is free right now;
    /// never waits. When it returns true, <see cref="Release"/> gives the slot back.
    /// </summary>
    public bool TryEnterSpare() => Volatile.Read(ref _notYetEntered) == 0 && _slots.Wait(0);

    /// <summary>Gives back a slot taken by <see cref="EnterAsync"/> or <see cref="TryEnterSpare"/>.</summary>
    public void Release() => _slots.Release();

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();
}
