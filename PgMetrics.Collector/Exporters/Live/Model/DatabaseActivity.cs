namespace PgMetrics.Collector.Exporters.Live.Model;

/// <summary>
/// One database's row of the view: rates over the last interval (from the delta processor's deltas), the
/// sessions in it now, and what accumulates since the view started. A figure the last scrape did not
/// bring (the first scrape, a metric switched off, a server too old) is null and shown as a dash.
/// </summary>
internal sealed class DatabaseActivity(string name)
{
    private readonly Dictionary<string, long> _sessions = new(StringComparer.Ordinal);
    private long _blocksHit;
    private long _blocksRead;
    private bool _hasBlocks;

    /// <summary>The database's name.</summary>
    public string Name { get; } = name;

    /// <summary>Commits per second over the last interval.</summary>
    public double? CommitsPerSecond { get; private set; }

    /// <summary>Rollbacks per second over the last interval.</summary>
    public double? RollbacksPerSecond { get; private set; }

    /// <summary>Transactions (commits and rollbacks) per second over the last interval.</summary>
    public double? TransactionsPerSecond => CommitsPerSecond is null && RollbacksPerSecond is null ? null : (CommitsPerSecond ?? 0) + (RollbacksPerSecond ?? 0);

    /// <summary>Transactions per second, scrape by scrape.</summary>
    public Trend TransactionTrend { get; } = new();

    /// <summary>Share of block requests served by the buffer cache over the last interval (0 to 1); null when no block was asked for.</summary>
    public double? CacheHitRatio { get; private set; }

    /// <summary>Buffer cache hits and blocks read in the last interval; null when not collected.</summary>
    public (long Hits, long Reads)? Blocks => _hasBlocks ? (_blocksHit, _blocksRead) : null;

    /// <summary>Deadlocks in the last interval.</summary>
    public long? DeadlocksInInterval { get; private set; }

    /// <summary>Deadlocks since the view started.</summary>
    public long DeadlocksSinceStart { get; private set; }

    /// <summary>Bytes written to temporary files per second over the last interval.</summary>
    public double? TempBytesPerSecond { get; private set; }

    /// <summary>Client sessions by pg_stat_activity.state, now.</summary>
    public IReadOnlyDictionary<string, long> Sessions => _sessions;

    /// <summary>Seconds since the oldest open transaction began; null when none is open.</summary>
    public double? OldestTransactionSeconds { get; private set; }

    /// <summary>age(datfrozenxid), in transactions.</summary>
    public long? FrozenXidAge { get; private set; }

    /// <summary>Sessions in one state, or null when states were not collected.</summary>
    public long? SessionsIn(params string[] states)
        => _sessions.Count == 0 ? null : states.Sum(state => _sessions.GetValueOrDefault(state));

    /// <summary>Forgets the previous scrape's figures; what accumulates stays.</summary>
    public void BeginScrape()
    {
        CommitsPerSecond = RollbacksPerSecond = CacheHitRatio = TempBytesPerSecond = OldestTransactionSeconds = null;
        DeadlocksInInterval = FrozenXidAge = null;
        _sessions.Clear();
        (_blocksHit, _blocksRead, _hasBlocks) = (0, 0, false);
    }

    /// <summary>Takes one point of this database from a catalogue scrape.</summary>
    public void Apply(in PointView point)
    {
        switch (point.Metric)
        {
            case LiveMetricNames.Commits:
                CommitsPerSecond = point.PerSecond;
                break;
            case LiveMetricNames.Rollbacks:
                RollbacksPerSecond = point.PerSecond;
                break;
            case LiveMetricNames.BlocksHit when point.IsDelta:
                (_blocksHit, _hasBlocks) = (point.IntValue, true);
                break;
            case LiveMetricNames.BlocksRead when point.IsDelta:
                (_blocksRead, _hasBlocks) = (point.IntValue, true);
                break;
            case LiveMetricNames.Deadlocks when point.IsDelta:
                DeadlocksInInterval = point.IntValue;
                DeadlocksSinceStart += point.IntValue;
                break;
            case LiveMetricNames.TempBytes:
                TempBytesPerSecond = point.PerSecond;
                break;
            case LiveMetricNames.Sessions:
                _sessions[point.Attribute("state") ?? "unknown"] = point.IntValue;
                break;
            case LiveMetricNames.OldestTransaction:
                OldestTransactionSeconds = point.Value;
                break;
            case LiveMetricNames.FrozenXidAge:
                FrozenXidAge = point.IntValue;
                break;
        }
    }

    /// <summary>Derives what needs several points (the hit ratio) and extends the trend.</summary>
    public void EndScrape()
    {
        if (_hasBlocks && _blocksHit + _blocksRead > 0)
        {
            CacheHitRatio = (double)_blocksHit / (_blocksHit + _blocksRead);
        }

        if (TransactionsPerSecond is { } rate)
        {
            TransactionTrend.Add(rate);
        }
    }
}
