namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Turns successive readings of pg_stat_statements into what each statement did since the previous reading, as
/// the receiver's top queries report it: a statement seen for the first time counts from zero (its cumulative
/// counters), and so does one whose calls went down (pg_stat_statements_reset, or evicted and seen again); any
/// other counter that went down counts as zero.
/// Entries are told apart by query ID, database, role and toplevel, as the view keys them.
/// </summary>
public sealed class StatementDeltas
{
    private Dictionary<StatementKey, StatementTotals> _previous = [];
    private Dictionary<StatementKey, StatementTotals> _current = [];

    /// <summary>Records this reading of one entry and returns the difference from the previous reading.</summary>
    public StatementTotals Next(StatementKey key, StatementTotals totals)
    {
        _current[key] = totals;
        if (!_previous.TryGetValue(key, out var before) || totals.Calls < before.Calls)
        {
            return totals;
        }

        // As the receiver: a counter that went down (a partial reset, rounding in the server's float sums) adds nothing.
        var delta = totals - before;
        return new StatementTotals(
            Math.Max(0, delta.Calls), Math.Max(0, delta.ExecutionTimeMilliseconds), Math.Max(0, delta.PlanningTimeMilliseconds), Math.Max(0, delta.Rows),
            Math.Max(0, delta.SharedBlocksHit), Math.Max(0, delta.SharedBlocksRead), Math.Max(0, delta.SharedBlocksDirtied), Math.Max(0, delta.SharedBlocksWritten),
            Math.Max(0, delta.TempBlocksRead), Math.Max(0, delta.TempBlocksWritten), Math.Max(0, delta.WalBytes));
    }

    /// <summary>Whether the latest ended reading had the entry.</summary>
    public bool WasInLastReading(StatementKey key) => _previous.ContainsKey(key);

    /// <summary>Ends a reading: the next one is compared with it; entries it did not see are forgotten.</summary>
    public void EndReading()
    {
        (_previous, _current) = (_current, _previous);
        _current.Clear();
    }
}

/// <summary>A pg_stat_statements entry's identity.</summary>
/// <param name="QueryId">queryid as text (signed 64-bit).</param>
/// <param name="Database">The database's name.</param>
/// <param name="Role">The role's name.</param>
/// <param name="TopLevel">pg_stat_statements' <c>toplevel</c> (1.9 and later): false for a statement run inside a function or procedure,
/// which has an entry of its own beside the same statement sent by a client; true before 1.9.</param>
public readonly record struct StatementKey(string QueryId, string Database, string Role, bool TopLevel = true);
