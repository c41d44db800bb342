using System.Collections.Concurrent;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Shares one database's per-database queries out between two connections ("lanes") so that the slow ones
/// run side by side: at 10,000 tables <c>table_stats</c> and <c>index_stats</c> each take a few hundred
/// milliseconds on the server (mostly <c>pg_relation_size</c>, a file-system call per relation), and one
/// after the other they were most of a scrape's time.
/// </summary>
/// <remarks>
/// The plan is the longest-processing-time rule: the queries, longest first by their duration in this
/// database at the last scrape, each go to the lane with less work so far; each lane then keeps the
/// catalogue's order, so a database's output order depends only on the plan. Before a query has run in a
/// database, one that binds <c>@relation_limit</c> counts as long and any other as free, so even a first
/// scrape (<c>pgmetrics once</c>) splits the per-relation queries. A second lane is planned only when the
/// work it would take off the first is at least <see cref="MinimumSecondLaneWork"/>, so small databases keep
/// to one connection; and it gets its connection only from a spare slot of <c>max_concurrent_databases</c>
/// (<see cref="ConnectionGate"/>).
/// </remarks>
internal sealed class QueryLanes
{
    /// <summary>Less work than this (by the last scrape) is not worth a second connection: opening one costs a few milliseconds.</summary>
    private static readonly TimeSpan MinimumSecondLaneWork = TimeSpan.FromMilliseconds(50);

    // What a per-relation query that has not run yet is assumed to take: enough to be worth a lane of its own.
    private static readonly TimeSpan UnknownPerRelationQuery = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string Database, string Query), TimeSpan> _lastDurations = new();

    /// <summary>
    /// The lanes for <paramref name="queries"/> in <paramref name="database"/>: one list when one connection
    /// is enough (or <paramref name="laneCount"/> is 1), else two, neither empty, each in catalogue order.
    /// </summary>
    /// <param name="database">The database the queries run in.</param>
    /// <param name="queries">The queries, in catalogue order.</param>
    /// <param name="serverVersion">The server's <c>server_version_num</c>, to read each query's SQL for <c>@relation_limit</c>.</param>
    /// <param name="laneCount">How many connections the database may use at once: 1 or more; more than 2 plans 2.</param>
    public IReadOnlyList<IReadOnlyList<MetricQuery>> Plan(string database, IReadOnlyList<MetricQuery> queries, int serverVersion, int laneCount)
    {
        if (laneCount < 2 || queries.Count < 2)
        {
            return [queries];
        }

        var costs = new TimeSpan[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            costs[i] = _lastDurations.TryGetValue((database, queries[i].Name), out var last) ? last
                : BindsRelationLimit(queries[i], serverVersion) ? UnknownPerRelationQuery : TimeSpan.Zero;
        }

        var lane = new int[queries.Count];
        var work = new TimeSpan[2];
        foreach (var i in Enumerable.Range(0, queries.Count).OrderByDescending(i => costs[i]).ThenBy(i => i))
        {
            lane[i] = work[1] < work[0] ? 1 : 0;
            work[lane[i]] += costs[i];
        }

        if (work[1] < MinimumSecondLaneWork)
        {
            return [queries];
        }

        return [[.. queries.Where((_, i) => lane[i] == 0)], [.. queries.Where((_, i) => lane[i] == 1)]];
    }

    /// <summary>Notes how long <paramref name="query"/> took in <paramref name="database"/>, for the next plan; safe from any thread.</summary>
    public void Record(string database, string query, TimeSpan duration) => _lastDurations[(database, query)] = duration;

    /// <summary>Forgets the durations of databases not in <paramref name="databases"/>.</summary>
    public void RetainOnly(IReadOnlyCollection<string> databases)
    {
        foreach (var key in _lastDurations.Keys.Where(k => !databases.Contains(k.Database)).ToList())
        {
            _lastDurations.TryRemove(key, out _);
        }
    }

    /// <summary>The databases durations are held for (tests check that those no longer collected are forgotten).</summary>
    internal IEnumerable<string> Databases => _lastDurations.Keys.Select(k => k.Database).Distinct();

    private static bool BindsRelationLimit(MetricQuery query, int serverVersion)
        => query.SelectSql(serverVersion)?.Contains("@" + QueryParameters.RelationLimit, StringComparison.Ordinal) == true;
}
