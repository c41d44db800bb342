namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// The most connections one target holds to its server at once, busy or idle (<c>connection_pool.max_server_connections</c>):
/// a slot per physical connection. <see cref="ServerConnections"/> takes a slot before a connection is opened and gives it
/// back when the connection is closed, not when it merely goes back idle to its pool, so idle connections count.
/// Waiters are served in arrival order.
/// </summary>
internal sealed class ConnectionBudget
{
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private int _free;

    /// <param name="slots">The budget: 1 or more.</param>
    public ConnectionBudget(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Slots = slots;
        _free = slots;
    }

    /// <summary>The budget.</summary>
    public int Slots { get; }

    /// <summary>Slots taken now (connections open or being opened).</summary>
    public int Taken
    {
        get
        {
            lock (_waiters)
            {
                return Slots - _free;
            }
        }
    }

    /// <summary>Whether someone waits for a slot: then a connection going idle is closed instead, so its slot serves them.</summary>
    public bool HasWaiters
    {
        get
        {
            lock (_waiters)
            {
                return _waiters.Count > 0;
            }
        }
    }

    /// <summary>Takes a slot if one is free now; never waits.</summary>
    public bool TryTake()
    {
        lock (_waiters)
        {
            if (_free == 0 || _waiters.Count > 0)
            {
                return false;
            }

            _free--;
            return true;
        }
    }

    /// <summary>Waits for a slot; <see cref="Give"/> hands one over.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_waiters)
        {
            if (_free > 0 && _waiters.Count == 0)
            {
                _free--;
                return;
            }

            // Continuations run elsewhere: Give is called from a connection's close, which must not run the waiter's scrape.
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_waiters)
            {
                if (!waiter.Task.IsCompleted)
                {
                    // Still queued: leave the queue. Completed meanwhile: the slot was handed over, so it goes back.
                    var others = _waiters.Where(w => w != waiter).ToList();
                    _waiters.Clear();
                    others.ForEach(_waiters.Enqueue);
                    throw;
                }
            }

            Give(1);
            throw;
        }
    }

    /// <summary>Gives back <paramref name="slots"/> slots, each to the longest waiter if there is one.</summary>
    public void Give(int slots)
    {
        lock (_waiters)
        {
            for (var i = 0; i < slots; i++)
            {
                if (_waiters.TryDequeue(out var waiter))
                {
                    waiter.SetResult();
                }
                else
                {
                    _free = Math.Min(Slots, _free + 1);
                }
            }
        }
    }
}
