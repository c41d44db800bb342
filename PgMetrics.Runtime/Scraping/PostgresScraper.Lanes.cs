using Npgsql;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// The lanes of a scrape: the instance-wide queries on the home connection, and each database's queries on
/// one connection, or two when <see cref="QueryLanes"/> plans a second lane and the <see cref="ConnectionGate"/>
/// (<c>max_concurrent_databases</c>) has a spare slot. Each lane records into a buffer of its own, kept from scrape
/// to scrape, except the direct database's first lane, which records into the scrape's buffer.
/// </summary>
public sealed partial class PostgresScraper
{
    /// <summary>What one database's queries recorded, lane by lane, in lane order.</summary>
    private sealed record DatabaseScrape(string Database, IReadOnlyList<LaneResult> Lanes);

    private async Task<DatabaseScrape> ScrapeDatabaseAsync(string database, MetricsBuffer buffer, IReadOnlyList<MetricQuery> queries, ScrapeContext context, ConnectionGate gate, CancellationToken cancellationToken)
    {
        var first = new LaneResult(buffer);
        LaneResult? second = null;
        var entered = false;
        try
        {
            // Waiting for a turn is inside the try, so a scrape cancelled while databases queue is an error value, not an exception.
            await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
            entered = true;
            await using var connection = await _connections.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            // Read once for the database, on the first connection, for both lanes.
            var extensions = await ServerFacts.ReadExtensionsAsync(connection, queries, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false);
            if (queries.Any(q => LockedRelations.LeftOutBy(q, context.ServerVersion)))
            {
                // Named once for the database; the queries leave them out themselves.
                first.LockedRelations.AddRange(await LockedRelations.ReadAsync(connection, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false));
            }

            var lanes = _lanes.Plan(database, queries, context.ServerVersion, LanesFor(context));
            if (lanes.Count == 1)
            {
                await RunQueriesAsync(connection, lanes[0], context, extensions, first, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                second = new LaneResult(SecondLaneBuffer(database));
                var secondLane = RunSecondLaneAsync(database, lanes[1], context, extensions, second, gate, cancellationToken);
                bool ranApart;
                try
                {
                    await RunQueriesAsync(connection, lanes[0], context, extensions, first, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // Awaited whatever happened to the first lane: its buffer is merged only once it has stopped writing.
                    ranApart = await secondLane.ConfigureAwait(false);
                }

                if (!ranApart && !first.Stopped && connection.State == System.Data.ConnectionState.Open)
                {
                    // No second connection to be had: the lane's queries run after the first's, on its connection.
                    await RunQueriesAsync(connection, lanes[1], context, extensions, second, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            first.Errors.Add(ScrapeErrorClassifier.Classify(ex, null, database, _connections.Password));
        }
        finally
        {
            if (entered)
            {
                gate.Release();
            }
        }

        return new DatabaseScrape(database, second is null ? [first] : [first, second]);
    }

    /// <summary>
    /// How many connections one database's queries may use: one behind a pooler (a second client of a pool of one
    /// server connection would wait for the first, which waits for it), and one when <c>connection_pool.max_open</c>
    /// is under 4, since a database's pool is shared with the query samples' and top queries' scrapers, one
    /// connection each, and a second lane must not wait in it; else two.
    /// </summary>
    private int LanesFor(ScrapeContext context)
        => context.BehindPooler || _connections.MaxOpenPerDatabase < 4 ? 1 : 2;

    /// <summary>
    /// Runs the instance-wide queries on the home connection into <paramref name="buffer"/>, then returns the
    /// connection to its pool. A failure before any query ran is an error of the home database.
    /// </summary>
    private async Task<LaneResult> RunInstanceQueriesAsync(NpgsqlConnection home, IReadOnlyList<MetricQuery> queries, ScrapeContext context, MetricsBuffer buffer, CancellationToken cancellationToken)
    {
        var lane = new LaneResult(buffer);
        try
        {
            var extensions = await ServerFacts.ReadExtensionsAsync(home, queries, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false);
            await RunQueriesAsync(home, queries, context, extensions, lane, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            lane.Errors.Add(ScrapeErrorClassifier.Classify(ex, null, home.Database, _connections.Password));
            lane.Stopped = true;
        }
        finally
        {
            await home.DisposeAsync().ConfigureAwait(false);
        }

        return lane;
    }

    /// <summary>
    /// Runs a database's second lane on a connection of its own, if a slot of the gate is free right now and
    /// the connection opens; returns false, having run nothing, when not, and the caller runs the lane itself.
    /// Taking only a spare slot means a second lane never keeps another database waiting. It throws none of the
    /// server's failures: a query's is an error in <paramref name="lane"/> (<see cref="RunQueriesAsync"/>).
    /// </summary>
    private async Task<bool> RunSecondLaneAsync(string database, IReadOnlyList<MetricQuery> queries, ScrapeContext context, InstalledExtensions extensions, LaneResult lane, ConnectionGate gate, CancellationToken cancellationToken)
    {
        if (!gate.TryEnterSpare())
        {
            return false;
        }

        try
        {
            NpgsqlConnection? connection;
            try
            {
                // Never waits for the server's connection budget: only this database's first connection might free a slot.
                connection = await _connections.TryOpenAsync(database, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                // The first connection got in, so this is the server's max_connections or a pool at its limit:
                // the queries still run, after the first lane's, on the first connection.
                return false;
            }
            catch (OperationCanceledException)
            {
                // The scrape was cancelled: the first lane reports it, once for the database.
                return true;
            }

            if (connection is null)
            {
                return false;
            }

            await using (connection.ConfigureAwait(false))
            {
                await RunQueriesAsync(connection, queries, context, extensions, lane, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>What one lane of a database's queries recorded: its own buffer, errors, skipped queries and rejected values.</summary>
    private sealed class LaneResult(MetricsBuffer buffer)
    {
        public MetricsBuffer Buffer { get; } = buffer;

        public List<ScrapeError> Errors { get; } = [];

        public List<SkippedQuery> Skipped { get; } = [];

        public List<SkippedRelation> LockedRelations { get; } = [];

        public RejectedValueCounter Rejected { get; } = new();

        public int QueriesRun { get; set; }

        /// <summary>Whether the lane stopped before its last query: the scrape was cancelled or the connection failed.</summary>
        public bool Stopped { get; set; }
    }

    private MetricsBuffer DatabaseBuffer(string database) => LaneBuffer(database, 0);

    private MetricsBuffer SecondLaneBuffer(string database) => LaneBuffer(database, 1);

    private MetricsBuffer LaneBuffer(string database, int lane)
    {
        lock (_databaseBuffers)
        {
            if (!_databaseBuffers.TryGetValue((database, lane), out var buffer))
            {
                buffer = new MetricsBuffer(commonResourceAttributes: _serverAttributes);
                _databaseBuffers[(database, lane)] = buffer;
            }

            buffer.Clear();
            return buffer;
        }
    }

    /// <summary>The database whose points were the most, <paramref name="direct"/> on a tie so the choice stays put.</summary>
    /// <param name="scrapes">Every database's lanes.</param>
    /// <param name="scrapeBuffer">The scrape's own buffer, which the direct database's first lane shares with the instance queries.</param>
    /// <param name="direct">The database scraped straight into <paramref name="scrapeBuffer"/>.</param>
    /// <param name="directPoints">The points the direct database's first lane recorded there.</param>
    private static string LargestOf(IReadOnlyList<DatabaseScrape> scrapes, MetricsBuffer scrapeBuffer, string direct, int directPoints)
    {
        var (largest, most) = (direct, 0);
        foreach (var scrape in scrapes)
        {
            var points = scrape.Lanes.Sum(l => l.Buffer == scrapeBuffer ? directPoints : l.Buffer.Count);
            if (points > most || (points == most && scrape.Database == direct))
            {
                (largest, most) = (scrape.Database, points);
            }
        }

        return largest;
    }

    /// <summary>The direct database's first lane writes to the scrape's buffer, so a buffer of its own from an earlier scrape is let go.</summary>
    private void ForgetDatabaseBuffer(string database)
    {
        lock (_databaseBuffers)
        {
            _databaseBuffers.Remove((database, 0));
        }
    }
}
