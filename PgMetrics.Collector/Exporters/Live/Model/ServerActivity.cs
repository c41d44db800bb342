namespace PgMetrics.Collector.Exporters.Live.Model;

/// <summary>
/// One server as the view shows it: its databases, the server-wide figures of the last catalogue scrape,
/// and the top statements, waits and blocked sessions of the last query performance scrape. The two
/// scrapes arrive in buffers of their own, each replacing its part.
/// </summary>
internal sealed class ServerActivity(string name)
{
    // Fingerprints seen with their text, so a blocked session (known by fingerprint) can show its statement.
    private const int RememberedTexts = 1000;

    private readonly Dictionary<string, DatabaseActivity> _databases = new(StringComparer.Ordinal);
    private readonly HashSet<string> _databasesThisScrape = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReplicaFigures> _replication = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Database, string Fingerprint, string User), StatementFigures> _statements = [];
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
    private readonly List<WaitActivity> _waits = [];
    private readonly List<BlockedSession> _blocked = [];
    private long _blockedUnixNano;

    /// <summary>The server, as <c>host:port</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The databases of the last catalogue scrape, by name.</summary>
    public IEnumerable<DatabaseActivity> Databases => _databases.Values.OrderBy(d => d.Name, StringComparer.Ordinal);

    /// <summary>Catalogue scrapes seen.</summary>
    public int Scrapes { get; private set; }

    /// <summary>When the last catalogue scrape read the server, in Unix nanoseconds.</summary>
    public long LastScrapeUnixNano { get; private set; }

    /// <summary>The time between the last two catalogue scrapes, in seconds; null until there were two.</summary>
    public double? IntervalSeconds { get; private set; }

    /// <summary>max_connections.</summary>
    public long? MaxConnections { get; private set; }

    /// <summary>Client connections open now.</summary>
    public long? Connections { get; private set; }

    /// <summary>Client connections, scrape by scrape.</summary>
    public Trend ConnectionTrend { get; } = new();

    /// <summary>WAL bytes per second over the last interval (PostgreSQL 14 and later).</summary>
    public double? WalBytesPerSecond { get; private set; }

    /// <summary>WAL bytes per second, scrape by scrape.</summary>
    public Trend WalTrend { get; } = new();

    /// <summary>Transactions per second of every database together, scrape by scrape.</summary>
    public Trend TransactionTrend { get; } = new();

    /// <summary>Checkpoints in the last interval, and how many of them were requested rather than scheduled.</summary>
    public (long All, long Requested)? CheckpointsInInterval { get; private set; }

    /// <summary>Checkpoints since the view started.</summary>
    public long CheckpointsSinceStart { get; private set; }

    /// <summary>The standbys streaming from the server, by client address.</summary>
    public IReadOnlyList<ReplicationClient> Replication { get; private set; } = [];

    /// <summary>Seconds since the oldest open transaction in any database began.</summary>
    public double? OldestTransactionSeconds => _databases.Values.Max(d => d.OldestTransactionSeconds);

    /// <summary>The greatest age(datfrozenxid) of the databases, in transactions.</summary>
    public long? WraparoundAge => _databases.Values.Max(d => d.FrozenXidAge);

    /// <summary>Transactions per second of every database together.</summary>
    public double? TransactionsPerSecond => _databases.Values.Any(d => d.TransactionsPerSecond is not null) ? _databases.Values.Sum(d => d.TransactionsPerSecond ?? 0) : null;

    /// <summary>When the last query performance scrape read the server, in Unix nanoseconds; zero before the first.</summary>
    public long QueriesUnixNano { get; private set; }

    /// <summary>Query performance buffers seen; the first holds totals since each statement appeared, not an interval's.</summary>
    public int QueryScrapes { get; private set; }

    /// <summary>The statements of the last interval, most time spent first.</summary>
    public IReadOnlyList<StatementActivity> TopStatements { get; private set; } = [];

    /// <summary>Sessions waiting now, by wait event, most first.</summary>
    public IReadOnlyList<WaitActivity> Waits => _waits;

    /// <summary>Sessions waiting for a lock now, longest wait first.</summary>
    public IReadOnlyList<BlockedSession> Blocked => _blocked;

    /// <summary>Starts taking a catalogue scrape: the previous one's figures are forgotten.</summary>
    public void BeginCatalogue()
    {
        // A query sample scrape that finds nobody blocked sends no event at all, so blocked sessions cannot be
        // replaced by an empty list; they go once a whole round of scrapes passed without a sample naming them.
        if (_blockedUnixNano < LastScrapeUnixNano)
        {
            _blocked.Clear();
        }

        foreach (var database in _databases.Values)
        {
            database.BeginScrape();
        }

        _databasesThisScrape.Clear();
        _replication.Clear();
        MaxConnections = Connections = null;
        WalBytesPerSecond = null;
        CheckpointsInInterval = null;
    }

    /// <summary>Takes one point of a catalogue scrape; <paramref name="database"/> is its resource's database, if any.</summary>
    public void ApplyCatalogue(in PointView point, string? database)
    {
        LastScrapeUnixNano = Math.Max(LastScrapeUnixNano, point.TimeUnixNano);
        if (point.Metric == LiveMetricNames.Commits && point.IntervalSeconds is { } interval)
        {
            IntervalSeconds = interval;
        }

        if (database is not null)
        {
            if (!_databases.TryGetValue(database, out var activity))
            {
                activity = new DatabaseActivity(database);
                activity.BeginScrape();
                _databases[database] = activity;
            }

            _databasesThisScrape.Add(database);
            activity.Apply(point);
            return;
        }

        switch (point.Metric)
        {
            case LiveMetricNames.MaxConnections:
                MaxConnections = point.IntValue;
                break;
            case LiveMetricNames.Connections:
                Connections = point.IntValue;
                break;
            case LiveMetricNames.WalBytes:
                WalBytesPerSecond = point.PerSecond;
                break;
            case LiveMetricNames.Checkpoints when point.IsDelta:
                var (all, requested) = CheckpointsInInterval ?? (0, 0);
                CheckpointsInInterval = (all + point.IntValue, requested + (point.Attribute("type") == "requested" ? point.IntValue : 0));
                CheckpointsSinceStart += point.IntValue;
                break;
            case LiveMetricNames.ReplicationBytes:
                var client = Replica(point.Attribute("replication_client"));
                _replication[client] = _replication.GetValueOrDefault(client) with { Bytes = point.IntValue };
                break;
            case LiveMetricNames.ReplicationDelay when point.Attribute("operation") == "replay":
                var delayed = Replica(point.Attribute("replication_client"));
                _replication[delayed] = _replication.GetValueOrDefault(delayed) with { Delay = point.Value };
                break;
            case LiveMetricNames.ReplicationLag when point.Attribute("operation") == "replay":
                var lagging = Replica(point.Attribute("replication_client"));
                _replication[lagging] = _replication.GetValueOrDefault(lagging) with { Lag = point.Value };
                break;
        }
    }

    /// <summary>Ends a catalogue scrape: databases it did not bring are dropped, and the trends extended.</summary>
    public void EndCatalogue()
    {
        Scrapes++;
        foreach (var gone in _databases.Keys.Where(name => !_databasesThisScrape.Contains(name)).ToList())
        {
            _databases.Remove(gone);
        }

        foreach (var database in _databases.Values)
        {
            database.EndScrape();
        }

        Replication = [.. _replication.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new ReplicationClient(r.Key, r.Value.Bytes, r.Value.Delay ?? r.Value.Lag))];
        AddIfKnown(ConnectionTrend, Connections);
        AddIfKnown(WalTrend, WalBytesPerSecond);
        AddIfKnown(TransactionTrend, TransactionsPerSecond);
    }

    /// <summary>
    /// Starts taking a query scrape's metrics. The top-query scraper's (<c>postgresql.query.*</c>) replace the
    /// statements, the query sample scraper's (<c>postgresql.wait_events</c>) the waits; the two run on schedules of
    /// their own, so one never clears the other's. Blocked sessions are replaced only by sample events.
    /// </summary>
    /// <param name="statements">The buffer holds top-query metrics.</param>
    /// <param name="waits">The buffer holds wait events.</param>
    public void BeginQueries(bool statements, bool waits)
    {
        if (statements)
        {
            _statements.Clear();
        }

        if (waits)
        {
            _waits.Clear();
        }
    }

    /// <summary>Takes one point of a query performance scrape.</summary>
    public void ApplyQueries(in PointView point, string? database)
    {
        QueriesUnixNano = Math.Max(QueriesUnixNano, point.TimeUnixNano);
        switch (point.Metric)
        {
            case LiveMetricNames.QueryCalls or LiveMetricNames.QueryTotalTime or LiveMetricNames.QueryMeanTime:
                var key = (database ?? string.Empty, point.Attribute("db.query.fingerprint") ?? string.Empty, point.Attribute("db.user") ?? string.Empty);
                var figures = _statements.TryGetValue(key, out var known) ? known : new StatementFigures(point.Attribute("db.query.text") ?? string.Empty, 0, 0, 0);
                _statements[key] = point.Metric switch
                {
                    LiveMetricNames.QueryCalls => figures with { Calls = point.IntValue },
                    LiveMetricNames.QueryTotalTime => figures with { TotalSeconds = point.Value },
                    _ => figures with { MeanSeconds = point.Value },
                };
                RememberText(key.Item2, figures.Text);
                break;
            case LiveMetricNames.WaitEvents:
                _waits.Add(new WaitActivity(point.Attribute("wait_event.type") ?? string.Empty, point.Attribute("wait_event.name") ?? string.Empty, point.IntValue));
                break;
        }
    }

    /// <summary>Ends a query performance scrape: the statements are ranked, and blocked sessions get their text where it is known.</summary>
    public void EndQueries()
    {
        QueryScrapes++;
        TopStatements = [.. _statements
            .Select(s => new StatementActivity(s.Key.Database, s.Key.User, s.Key.Fingerprint, s.Value.Text, s.Value.Calls, s.Value.TotalSeconds, s.Value.MeanSeconds))
            .OrderByDescending(s => s.TotalSeconds)];
        ReplaceBlocked([.. _blocked]);
        _waits.Sort((a, b) => b.Sessions.CompareTo(a.Sessions));
    }

    /// <summary>Replaces the blocked sessions with those a query sample event batch names, at <paramref name="timeUnixNano"/>.</summary>
    public void ReplaceBlockedFromSamples(IReadOnlyList<BlockedSession> blocked, long timeUnixNano)
    {
        QueriesUnixNano = Math.Max(QueriesUnixNano, timeUnixNano);
        _blockedUnixNano = timeUnixNano;
        foreach (var session in blocked.Where(b => b.Text is not null))
        {
            RememberText(session.Fingerprint, session.Text!);
        }

        ReplaceBlocked(blocked);
    }

    private void ReplaceBlocked(IReadOnlyList<BlockedSession> blocked)
    {
        _blocked.Clear();
        _blocked.AddRange(blocked
            .Select(b => b with { Text = b.Text ?? _texts.GetValueOrDefault(b.Fingerprint) })
            .OrderByDescending(b => b.WaitSeconds)
            .ThenBy(b => b.Pid));
    }

    private void RememberText(string fingerprint, string text)
    {
        if (fingerprint.Length == 0 || text.Length == 0)
        {
            return;
        }

        if (_texts.Count >= RememberedTexts && !_texts.ContainsKey(fingerprint))
        {
            _texts.Clear();
        }

        _texts[fingerprint] = text;
    }

    private static string Replica(string? client) => client ?? "unknown";

    private static void AddIfKnown(Trend trend, double? value)
    {
        if (value is { } known)
        {
            trend.Add(known);
        }
    }

    private readonly record struct ReplicaFigures(long? Bytes, double? Delay, double? Lag);

    private readonly record struct StatementFigures(string Text, long Calls, double TotalSeconds, double MeanSeconds);
}
