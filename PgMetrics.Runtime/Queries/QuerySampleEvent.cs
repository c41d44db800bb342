using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// One session of pg_stat_activity as the receiver's <c>db.server.query_sample</c> event, with its attribute names,
/// types and units: <c>postgresql.total_exec_time</c> is the statement's running time in milliseconds (an idle
/// session's last statement's), and the <c>postgresql.blocking.*</c> attributes are always present, <c>{}</c>, empty
/// and 0 for a session nothing blocks.
/// </summary>
/// <param name="Database">pg_stat_activity.datname, or empty.</param>
/// <param name="User">usename, or empty.</param>
/// <param name="Query">The statement as the server shows it (literals included; only its normalized text leaves).</param>
/// <param name="State">state, e.g. <c>active</c>.</param>
/// <param name="Pid">The backend's process ID.</param>
/// <param name="ApplicationName">application_name.</param>
/// <param name="ClientAddress">client_addr as text (e.g. <c>10.0.0.7/32</c>), or empty.</param>
/// <param name="ClientPort">client_port: -1 for a Unix socket, 0 when unknown.</param>
/// <param name="ClientHostname">client_hostname, or empty.</param>
/// <param name="QueryStart">query_start as the server writes a timestamptz, or empty.</param>
/// <param name="WaitEvent">wait_event, or empty.</param>
/// <param name="WaitEventType">wait_event_type, or empty.</param>
/// <param name="QueryId">query_id as text (PostgreSQL 14 and later, with compute_query_id), or empty.</param>
/// <param name="DurationMilliseconds">How long the statement has run (active) or ran (idle), in milliseconds.</param>
/// <param name="BlockingPids">pg_blocking_pids as a PostgreSQL array literal, <c>{}</c> when not blocked.</param>
/// <param name="BlockingStartTime">When the session began waiting for a lock, <c>YYYY-MM-DDTHH:MM:SSZ</c>, or empty.</param>
/// <param name="BlockingWaitSeconds">How long it has waited for the lock, in whole seconds; 0 when not waiting.</param>
/// <param name="BlockingLockMode">The mode of the lock it waits for, or empty.</param>
/// <param name="BlockingLockType">The type of the lock it waits for, or empty.</param>
/// <param name="BlockingLockRelation">The table the lock is on (in the database samples are read from), or empty.</param>
/// <param name="TransactionStartTime">When the session's transaction began, <c>YYYY-MM-DDTHH:MM:SSZ</c>, or empty.</param>
public sealed record QuerySampleEvent(
    string Database,
    string User,
    string Query,
    string State,
    long Pid,
    string ApplicationName,
    string ClientAddress,
    long ClientPort,
    string ClientHostname,
    string QueryStart,
    string WaitEvent,
    string WaitEventType,
    string QueryId,
    double DurationMilliseconds,
    string BlockingPids,
    string BlockingStartTime,
    long BlockingWaitSeconds,
    string BlockingLockMode,
    string BlockingLockType,
    string BlockingLockRelation,
    string TransactionStartTime)
{
    /// <summary>
    /// The server's <c>track_activity_query_size</c>, in bytes: <see cref="Query"/> reaching it was cut by the server
    /// and is fingerprinted as truncated (<see cref="QueryFingerprinter.FingerprintActivity"/>); 0 when unknown.
    /// </summary>
    public long TrackActivityQuerySize { get; init; }

    /// <summary>
    /// pg_stat_statements' text of the statement with this session's <see cref="QueryId"/>, when the top-query scraper
    /// has read it: the fingerprint and <c>db.query.text</c> then come from it, so the sample joins its
    /// <c>db.server.top_query</c> event exactly; null to fingerprint <see cref="Query"/>.
    /// </summary>
    public string? StatementText { get; init; }

    /// <summary>The event as an OTLP log record: no body, the event name set, every value within New Relic's attribute limit.</summary>
    /// <param name="timeUnixNano">When the sample was taken, in Unix nanoseconds.</param>
    public LogRecordData ToLogRecord(long timeUnixNano)
    {
        // The fingerprint and the normalized text come from the whole statement; only then is anything cut.
        var fingerprint = StatementText is null ? QueryFingerprinter.FingerprintActivity(Query, TrackActivityQuerySize) : QueryFingerprinter.Fingerprint(StatementText);
        List<KeyValue> attributes =
        [
            KeyValue.String(DbServerEvents.DbSystemName, DbServerEvents.PostgresqlSystem),
            KeyValue.String(DbServerEvents.DbNamespace, Database),
            KeyValue.String(DbServerEvents.DbQueryText, fingerprint.NormalizedText),
            KeyValue.String("user.name", User),
            KeyValue.String("postgresql.state", State),
            KeyValue.Int("postgresql.pid", Pid),
            KeyValue.String("postgresql.application_name", ApplicationName),
            KeyValue.String("network.peer.address", ClientAddress),
            KeyValue.Int("network.peer.port", ClientPort),
            KeyValue.String("postgresql.client_hostname", ClientHostname),
            KeyValue.String("postgresql.query_start", QueryStart),
            KeyValue.String("postgresql.wait_event", WaitEvent),
            KeyValue.String("postgresql.wait_event_type", WaitEventType),
            KeyValue.String("postgresql.query_id", QueryId),
            KeyValue.Double("postgresql.total_exec_time", DurationMilliseconds),
            KeyValue.String("postgresql.blocking.pids", BlockingPids),
            KeyValue.String("postgresql.blocking.start_time", BlockingStartTime),
            KeyValue.Int("postgresql.blocking.wait_duration", BlockingWaitSeconds),
            KeyValue.String("postgresql.blocking.lock.mode", BlockingLockMode),
            KeyValue.String("postgresql.blocking.lock.type", BlockingLockType),
            KeyValue.String("postgresql.blocking.lock.relation", BlockingLockRelation),
            KeyValue.String("postgresql.blocking.transaction.start_time", TransactionStartTime),
            KeyValue.String(DbServerEvents.DbQueryFingerprint, fingerprint.Hex),
        ];
        AttributeValueLimit.Apply(attributes);
        return new LogRecordData(timeUnixNano, 0, string.Empty, string.Empty, [.. attributes]) { EventName = DbServerEvents.QuerySample };
    }
}
