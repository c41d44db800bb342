using Microsoft.Extensions.Caching.Memory;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// The plans of statements already explained, by database and query ID, as the receiver's
/// <c>query_plan_cache_size</c> and <c>query_plan_cache_ttl</c>: at most that many, each for that long, after which
/// the statement is explained again. A failure is kept as a failure (with its reason), never as a plan, so its
/// events say why there is no plan and it is tried again when it expires.
/// </summary>
internal sealed class QueryPlanCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeSpan _timeToLive;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="size">The most plans kept; a plan over it is not kept until older ones expire or are compacted away.</param>
    /// <param name="timeToLive">How long a plan is kept.</param>
    public QueryPlanCache(int size, TimeSpan timeToLive)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, size) });
        _timeToLive = timeToLive;
    }

    /// <summary>The kept outcome of a statement, or null.</summary>
    public PlanOutcome? Find(string database, string queryId) => _cache.TryGetValue((database, queryId), out PlanOutcome? outcome) ? outcome : null;

    /// <summary>Keeps an outcome for the time to live; a passing failure (<see cref="PlanOutcome.IsPassing"/>) is not kept.</summary>
    public void Add(string database, string queryId, PlanOutcome outcome)
    {
        if (_timeToLive > TimeSpan.Zero && !outcome.IsPassing)
        {
            _cache.Set((database, queryId), outcome, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _timeToLive });
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _cache.Dispose();
}
