using System.Runtime.InteropServices;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// The attribute set of one <c>postgresql.query.*</c> series: the statement's database (a resource attribute), its role
/// (<c>db.user</c>), and PgMetrics' fingerprint of its text with the normalized text (<c>db.query.fingerprint</c>,
/// <c>db.query.text</c>).
/// </summary>
/// <param name="Database">pg_database.datname of the statement's dbid.</param>
/// <param name="Role">pg_roles.rolname of the statement's userid.</param>
/// <param name="Fingerprint">The fingerprint as 16 hex digits.</param>
/// <param name="Text">The normalized text the fingerprint is of.</param>
public readonly record struct QuerySeriesKey(string Database, string Role, string Fingerprint, string Text);

/// <summary>One <c>postgresql.query.*</c> series of a collection and what its statements did since the previous one.</summary>
/// <param name="Key">The series' attribute set.</param>
/// <param name="Delta">The sum of its statements' differences.</param>
public readonly record struct QuerySeries(QuerySeriesKey Key, StatementTotals Delta)
{
    /// <summary>
    /// Sums the statements that changed by the attribute set their points carry, and returns the <paramref name="topN"/>
    /// series that spent the most execution time. pg_stat_statements keys entries by query id, and several query ids
    /// can share one fingerprint: before PostgreSQL 18 an <c>IN</c> list of each length has its own, a statement sent
    /// with <c>$n</c> parameters has another than the same one with constants, and so can casts the fingerprint does
    /// not tell apart. Sent one point each, they would be points with identical attributes in one request, which a
    /// backend keeps one of (or rejects); summed, the series holds what all of them did.
    /// </summary>
    /// <param name="changed">Each changed entry with its own difference, taken per query id (<see cref="StatementDeltas"/>), so a
    /// series stays right when query ids join or leave it between collections.</param>
    /// <param name="topN">How many series are kept (<c>top_n_query</c>).</param>
    public static List<QuerySeries> Top(IReadOnlyList<TopQueryEvent> changed, int topN)
    {
        var sums = new Dictionary<QuerySeriesKey, StatementTotals>(changed.Count);
        foreach (var statement in changed)
        {
            var fingerprint = QueryFingerprinter.Fingerprint(statement.Query);
            var key = new QuerySeriesKey(statement.Key.Database, statement.Key.Role, fingerprint.Hex, fingerprint.NormalizedText);
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, key, out _);
            sum += statement.Delta;
        }

        return [.. sums.Select(s => new QuerySeries(s.Key, s.Value)).OrderByDescending(s => s.Delta.ExecutionTimeMilliseconds).Take(topN)];
    }
}
