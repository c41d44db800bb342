using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// One top statement as the receiver's <c>db.server.top_query</c> event, with its attribute names, types and units:
/// counts as integers and <c>postgresql.total_exec_time</c> / <c>total_plan_time</c> in seconds (the receiver
/// divides pg_stat_statements' milliseconds by 1,000), all since the previous collection; <c>postgresql.query_plan</c>
/// is always present, empty when there is no plan this time.
/// </summary>
/// <param name="Key">The entry: query ID, database, role.</param>
/// <param name="Query">pg_stat_statements' text, with <c>$n</c> where the statement had constants.</param>
/// <param name="Delta">What the statement did since the previous collection.</param>
/// <param name="Plan">Its plan, if it has been explained (or why it could not be).</param>
public sealed record TopQueryEvent(StatementKey Key, string Query, StatementTotals Delta, PlanOutcome? Plan)
{
    /// <summary>The event as an OTLP log record: no body, the event name set, every value within New Relic's attribute limit.</summary>
    /// <param name="timeUnixNano">When the collection ran, in Unix nanoseconds.</param>
    public LogRecordData ToLogRecord(long timeUnixNano)
    {
        var fingerprint = QueryFingerprinter.Fingerprint(Query);
        List<KeyValue> attributes =
        [
            KeyValue.String(DbServerEvents.DbSystemName, DbServerEvents.PostgresqlSystem),
            KeyValue.String(DbServerEvents.DbNamespace, Key.Database),
            KeyValue.String(DbServerEvents.DbQueryText, fingerprint.NormalizedText),
            KeyValue.Int("postgresql.calls", Delta.Calls),
            KeyValue.Int("postgresql.rows", Delta.Rows),
            KeyValue.Int("postgresql.shared_blks_dirtied", Delta.SharedBlocksDirtied),
            KeyValue.Int("postgresql.shared_blks_hit", Delta.SharedBlocksHit),
            KeyValue.Int("postgresql.shared_blks_read", Delta.SharedBlocksRead),
            KeyValue.Int("postgresql.shared_blks_written", Delta.SharedBlocksWritten),
            KeyValue.Int("postgresql.temp_blks_read", Delta.TempBlocksRead),
            KeyValue.Int("postgresql.temp_blks_written", Delta.TempBlocksWritten),
            KeyValue.String("postgresql.queryid", Key.QueryId),
            KeyValue.String("postgresql.rolname", Key.Role),
            KeyValue.Double("postgresql.total_exec_time", Delta.ExecutionTimeMilliseconds / 1000),
            KeyValue.Double("postgresql.total_plan_time", Delta.PlanningTimeMilliseconds / 1000),
            KeyValue.String("postgresql.query_plan", Plan?.Plan ?? string.Empty),
            KeyValue.String(DbServerEvents.DbQueryFingerprint, fingerprint.Hex),
        ];
        if (Plan?.Error is { } error)
        {
            attributes.Add(KeyValue.String(DbServerEvents.QueryPlanError, error));
        }

        AttributeValueLimit.Apply(attributes);
        return new LogRecordData(timeUnixNano, 0, string.Empty, string.Empty, [.. attributes]) { EventName = DbServerEvents.TopQuery };
    }
}
