using PgMetrics.Runtime.Queries;

namespace PgMetrics.Runtime.Tests.Queries;

/// <summary>pg_stat_statements entries become <c>postgresql.query.*</c> series: one per database, role and fingerprint, ranked by what they spent together.</summary>
public sealed class QuerySeriesTests
{
    private static TopQueryEvent Entry(string queryId, string role, string query, long calls, double milliseconds)
        => new(new StatementKey(queryId, "shop", role), query, new StatementTotals(calls, milliseconds, 0, calls, 0, 0, 0, 0, 0, 0, 0), null);

    [Fact]
    public void Entries_that_share_a_fingerprint_are_summed_and_ranked_by_their_sum()
    {
        TopQueryEvent[] changed =
        [
            Entry("1", "app", "SELECT * FROM orders WHERE id = $1", 1, 50),
            Entry("2", "app", "SELECT * FROM items WHERE id IN ($1, $2)", 2, 30),
            Entry("3", "app", "SELECT * FROM items WHERE id IN ($1, $2, $3)", 3, 30),
            Entry("4", "app", "SELECT * FROM items WHERE id IN ($1)", 4, 1),
            Entry("5", "report", "SELECT * FROM items WHERE id IN ($1, $2)", 5, 40),
        ];

        var top = QuerySeries.Top(changed, topN: 2);

        // The IN lists of one role are one series of 61 ms, above the single statement's 50 ms and the other role's 40 ms.
        Assert.Equal(2, top.Count);
        var items = QueryFingerprinter.Fingerprint("SELECT * FROM items WHERE id IN ($1)");
        Assert.Equal(new QuerySeriesKey("shop", "app", items.Hex, items.NormalizedText), top[0].Key);
        Assert.Equal((9, 61.0, 9), (top[0].Delta.Calls, top[0].Delta.ExecutionTimeMilliseconds, top[0].Delta.Rows));
        Assert.Equal(("app", 1), (top[1].Key.Role, top[1].Delta.Calls));
    }
}
