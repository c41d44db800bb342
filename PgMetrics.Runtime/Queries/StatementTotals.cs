namespace PgMetrics.Runtime.Queries;

/// <summary>
/// One pg_stat_statements entry's counters (cumulative as the view keeps them, or a difference of two readings):
/// times in milliseconds as the view has them, the rest counts.
/// </summary>
/// <param name="Calls">calls.</param>
/// <param name="ExecutionTimeMilliseconds">total_exec_time (total_time before pg_stat_statements 1.8), milliseconds.</param>
/// <param name="PlanningTimeMilliseconds">total_plan_time (pg_stat_statements 1.8 and later; 0 before), milliseconds.</param>
/// <param name="Rows">rows.</param>
/// <param name="SharedBlocksHit">shared_blks_hit.</param>
/// <param name="SharedBlocksRead">shared_blks_read.</param>
/// <param name="SharedBlocksDirtied">shared_blks_dirtied.</param>
/// <param name="SharedBlocksWritten">shared_blks_written.</param>
/// <param name="TempBlocksRead">temp_blks_read.</param>
/// <param name="TempBlocksWritten">temp_blks_written.</param>
/// <param name="WalBytes">wal_bytes (pg_stat_statements 1.8 and later; 0 before).</param>
public readonly record struct StatementTotals(
    long Calls,
    double ExecutionTimeMilliseconds,
    double PlanningTimeMilliseconds,
    long Rows,
    long SharedBlocksHit,
    long SharedBlocksRead,
    long SharedBlocksDirtied,
    long SharedBlocksWritten,
    long TempBlocksRead,
    long TempBlocksWritten,
    long WalBytes)
{
    /// <summary>What two entries did together: the totals of a series whose statements have several query ids.</summary>
    public static StatementTotals operator +(StatementTotals left, StatementTotals right)
        => new(
            left.Calls + right.Calls,
            left.ExecutionTimeMilliseconds + right.ExecutionTimeMilliseconds,
            left.PlanningTimeMilliseconds + right.PlanningTimeMilliseconds,
            left.Rows + right.Rows,
            left.SharedBlocksHit + right.SharedBlocksHit,
            left.SharedBlocksRead + right.SharedBlocksRead,
            left.SharedBlocksDirtied + right.SharedBlocksDirtied,
            left.SharedBlocksWritten + right.SharedBlocksWritten,
            left.TempBlocksRead + right.TempBlocksRead,
            left.TempBlocksWritten + right.TempBlocksWritten,
            left.WalBytes + right.WalBytes);

    /// <summary>What happened between two readings of the same entry.</summary>
    public static StatementTotals operator -(StatementTotals now, StatementTotals before)
        => new(
            now.Calls - before.Calls,
            now.ExecutionTimeMilliseconds - before.ExecutionTimeMilliseconds,
            now.PlanningTimeMilliseconds - before.PlanningTimeMilliseconds,
            now.Rows - before.Rows,
            now.SharedBlocksHit - before.SharedBlocksHit,
            now.SharedBlocksRead - before.SharedBlocksRead,
            now.SharedBlocksDirtied - before.SharedBlocksDirtied,
            now.SharedBlocksWritten - before.SharedBlocksWritten,
            now.TempBlocksRead - before.TempBlocksRead,
            now.TempBlocksWritten - before.TempBlocksWritten,
            now.WalBytes - before.WalBytes);
}
