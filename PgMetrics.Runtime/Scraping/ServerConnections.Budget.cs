using System.Data;
using System.Diagnostics;
using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// The budget of a server's connections: which connection takes which slot of <see cref="ConnectionBudget"/>, which
/// idle ones stay warm and when they close. Npgsql keeps the idle connections of each database's pool; a slot is held
/// from before a connection opens until Npgsql has closed it, found by the connection's close (its
/// <c>StateChange</c> event, raised after the connection went back to its pool) and by
/// <see cref="NpgsqlDataSource.Clear"/>, which closes a pool's idle connections at once and its busy ones when they
/// come back. Npgsql may close a connection earlier on its own (a broken connection, <c>max_lifetime</c>; its idle pruning is set to a day), which
/// leaves a slot held for nothing until the pool is cleared, never one connection too many.
/// </summary>
public sealed partial class ServerConnections
{
    // How long an idle connection to a database other than the home one stays open by default: DROP DATABASE (and
    // ALTER DATABASE RENAME or SET TABLESPACE) waits 5 s for the database's other sessions to leave, then fails.
    private static readonly TimeSpan OtherDatabaseIdleTime = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan HomeDatabaseIdleTime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMilliseconds(500);

    // How fast a database's busyness fades: the busy time of a minute ago counts half.
    private static readonly TimeSpan BusynessHalfLife = TimeSpan.FromMinutes(1);

    private readonly Timer _sweep;
    private bool _sweeping;
    private bool _disposed;

    /// <summary>Connections this target holds now, busy or idle (an upper bound: Npgsql may have closed an idle one already).</summary>
    internal int ConnectionsHeld => _budget.Taken;

    private bool Pooling => _pool.MaxIdle is not 0;

    private async ValueTask<NpgsqlConnection?> OpenAsync(string database, bool wait, CancellationToken cancellationToken)
    {
        DatabasePool? pool = null;
        var generation = 0;
        lock (_dataSources)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var candidate = PoolOf(database);
            if (candidate.Idle > 0)
            {
                // One of its idle connections holds a slot already.
                candidate.Idle--;
                (pool, generation) = (candidate, Take(candidate));
            }
            else if (_budget.TryTake() || CloseLeastBusyIdle(candidate))
            {
                (pool, generation) = (candidate, Take(candidate));
            }
        }

        if (pool is null)
        {
            if (!wait)
            {
                return null;
            }

            await _budget.TakeAsync(cancellationToken).ConfigureAwait(false);
            lock (_dataSources)
            {
                if (_disposed)
                {
                    _budget.Give(1);
                    throw new ObjectDisposedException(nameof(ServerConnections));
                }

                // Looked up again: the pool may have been retired while this waited.
                pool = PoolOf(database);
                generation = Take(pool);
            }
        }

        NpgsqlConnection connection;
        try
        {
            connection = await pool.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            GiveBack(pool, generation, busySince: null);
            throw;
        }

        var busySince = Stopwatch.GetTimestamp();
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed)
            {
                GiveBack(pool, generation, busySince);
            }
        };
        return connection;

        static int Take(DatabasePool pool)
        {
            pool.Busy++;
            return pool.Generation;
        }
    }

    /// <summary>
    /// A connection of <paramref name="pool"/> was closed by its user (or never opened): it stays warm in its pool, its
    /// slot with it, unless someone waits for the budget, the database has <c>max_idle</c> idle already, or Npgsql closed
    /// it (no pooling, or the pool cleared or disposed since it opened); else the database's idle connections close now.
    /// </summary>
    private void GiveBack(DatabasePool pool, int generation, long? busySince)
    {
        var freed = 0;
        lock (_dataSources)
        {
            pool.Busy--;
            var now = Stopwatch.GetTimestamp();
            pool.NoteBusy(busySince is { } since ? Stopwatch.GetElapsedTime(since, now) : TimeSpan.Zero, now);
            if (busySince is null || !Pooling || pool.Retired || generation != pool.Generation)
            {
                freed = 1;
            }
            else if (!_budget.HasWaiters && (_pool.MaxIdle is not { } maxIdle || pool.Idle < maxIdle))
            {
                pool.Idle++;
                pool.IdleSince = now;
                StartSweep();
            }
            else
            {
                freed = 1 + Clear(pool);
            }
        }

        _budget.Give(freed);
    }

    /// <summary>
    /// Closes the idle connections of the least busy database other than <paramref name="wanting"/> that has any and
    /// keeps one of their slots for the caller; false when no database has an idle connection. Under the lock.
    /// </summary>
    private bool CloseLeastBusyIdle(DatabasePool wanting)
    {
        var now = Stopwatch.GetTimestamp();
        var victim = _dataSources.Values.Where(p => p != wanting && p.Idle > 0).MinBy(p => p.BusynessAt(now));
        if (victim is null)
        {
            return false;
        }

        _budget.Give(Clear(victim) - 1);
        return true;
    }

    /// <summary>Closes a pool's idle connections now, and its busy ones when they come back; returns the idle ones' slots to give. Under the lock.</summary>
    private static int Clear(DatabasePool pool)
    {
        pool.DataSource.Clear();
        pool.Generation++;
        var idle = pool.Idle;
        pool.Idle = 0;
        return idle;
    }

    /// <summary>Closes the idle connections that have waited longer than their database's idle time; runs on a timer while any are idle.</summary>
    private void CloseExpiredIdle()
    {
        var freed = 0;
        lock (_dataSources)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var pool in _dataSources.Values)
            {
                if (pool is { Busy: 0, Idle: > 0, IdleLimit: { } limit } && Stopwatch.GetElapsedTime(pool.IdleSince, now) >= limit)
                {
                    freed += Clear(pool);
                }
            }

            _sweeping = !_disposed && _dataSources.Values.Any(p => p.Idle > 0 && p.IdleLimit is not null);
            if (!_sweeping)
            {
                _sweep.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }

        _budget.Give(freed);
    }

    // Under the lock.
    private void StartSweep()
    {
        if (!_sweeping && !_disposed)
        {
            _sweeping = true;
            _sweep.Change(SweepPeriod, SweepPeriod);
        }
    }

    /// <summary>Disposes pools no longer in the dictionary: their idle connections close now, their busy ones when given back.</summary>
    private async Task RetireAsync(IReadOnlyCollection<DatabasePool> pools)
    {
        var freed = 0;
        lock (_dataSources)
        {
            foreach (var pool in pools)
            {
                pool.Retired = true;
                freed += pool.Idle;
                pool.Idle = 0;
            }
        }

        foreach (var pool in pools)
        {
            await pool.DataSource.DisposeAsync().ConfigureAwait(false);
        }

        // Only once they are closed, so a waiter's new connection never overlaps them.
        _budget.Give(freed);
    }

    /// <summary><c>max_idle_time</c> when set (0: never), else 30 s for the home database and 2 s for any other.</summary>
    private TimeSpan? IdleLimitFor(string database)
        => _pool.MaxIdleTime is { } idle ? (idle == TimeSpan.Zero ? null : idle)
            : database == HomeDatabase ? HomeDatabaseIdleTime : OtherDatabaseIdleTime;

    /// <summary>One database's pool and what the budget knows of it; every field is read and written under the lock of <c>_dataSources</c>.</summary>
    private sealed class DatabasePool(NpgsqlDataSource dataSource, TimeSpan? idleLimit)
    {
        private double _busySeconds;
        private long _busyNoted;

        public NpgsqlDataSource DataSource { get; } = dataSource;

        /// <summary>How long an idle connection stays open; null for as long as the pool lives.</summary>
        public TimeSpan? IdleLimit { get; } = idleLimit;

        /// <summary>Connections given out and not yet given back.</summary>
        public int Busy { get; set; }

        /// <summary>Connections given back and kept open, each holding a slot of the budget.</summary>
        public int Idle { get; set; }

        /// <summary>When the last connection was given back and kept (<see cref="Stopwatch.GetTimestamp"/>).</summary>
        public long IdleSince { get; set; }

        /// <summary>Bumped when the pool is cleared: a connection opened before is closed by Npgsql when it comes back.</summary>
        public int Generation { get; set; }

        /// <summary>Disposed: connections that come back are closed.</summary>
        public bool Retired { get; set; }

        /// <summary>Adds a connection's busy time to the database's busyness, which fades with <see cref="BusynessHalfLife"/>.</summary>
        public void NoteBusy(TimeSpan busy, long now)
        {
            _busySeconds = BusynessAt(now) + busy.TotalSeconds;
            _busyNoted = now;
        }

        /// <summary>Seconds of connection time used lately, the older the less: the database whose idle connections close first is the one with the least.</summary>
        public double BusynessAt(long now)
            => _busyNoted == 0 ? 0 : _busySeconds * Math.Pow(0.5, Stopwatch.GetElapsedTime(_busyNoted, now) / BusynessHalfLife);
    }
}
