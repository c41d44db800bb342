using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Queries;

/// <summary>The query performance metrics; values of the top queries are deltas over the scrape interval.</summary>
public static class QueryMetrics
{
    public static readonly MetricDescriptor Calls = Gauge("postgresql.query.calls", "Calls of the statement since the previous scrape.", "{call}", MetricValueType.Int);
    public static readonly MetricDescriptor TotalTime = Gauge("postgresql.query.total_time", "Time spent executing the statement since the previous scrape.", "ms", MetricValueType.Double);
    public static readonly MetricDescriptor MeanTime = Gauge("postgresql.query.mean_time", "Mean execution time of the statement over the interval.", "ms", MetricValueType.Double);
    public static readonly MetricDescriptor Rows = Gauge("postgresql.query.rows", "Rows returned or affected since the previous scrape.", "{row}", MetricValueType.Int);
    public static readonly MetricDescriptor SharedBlocksHit = Gauge("postgresql.query.shared_blocks.hit", "Shared buffer hits since the previous scrape.", "{block}", MetricValueType.Int);
    public static readonly MetricDescriptor SharedBlocksRead = Gauge("postgresql.query.shared_blocks.read", "Shared blocks read since the previous scrape.", "{block}", MetricValueType.Int);
    public static readonly MetricDescriptor TempBlocks = Gauge("postgresql.query.temp_blocks", "Temporary blocks read and written since the previous scrape.", "{block}", MetricValueType.Int);
    public static readonly MetricDescriptor WalBytes = Gauge("postgresql.query.wal_bytes", "WAL generated since the previous scrape (PostgreSQL 13+).", "By", MetricValueType.Int);
    public static readonly MetricDescriptor WaitEvents = Gauge("postgresql.wait_events", "Sessions waiting, by wait event.", "{session}", MetricValueType.Int);
    public static readonly MetricDescriptor BlockedWait = Gauge("postgresql.blocking.wait_time", "How long a blocked session has waited, per blocked and blocking pid.", "s", MetricValueType.Double);

    private static MetricDescriptor Gauge(string name, string description, string unit, MetricValueType valueType)
        => new MetricDescriptor(name, description, unit, MetricKind.Gauge, valueType, isMonotonic: false);
}
