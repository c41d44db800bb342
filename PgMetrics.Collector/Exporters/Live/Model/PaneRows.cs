namespace PgMetrics.Collector.Exporters.Live.Model;

// The rows the panes list, each a plain record of what one line shows.

/// <summary>One statement of the top queries pane: its figures over the last interval.</summary>
/// <param name="Database">The database it ran in.</param>
/// <param name="User">The role that ran it.</param>
/// <param name="Fingerprint">PgMetrics' fingerprint (16 hex digits).</param>
/// <param name="Text">The normalized text (literals replaced by placeholders).</param>
/// <param name="Calls">Calls in the interval.</param>
/// <param name="TotalSeconds">Seconds spent executing it in the interval.</param>
/// <param name="MeanSeconds">Mean seconds per call in the interval.</param>
internal sealed record StatementActivity(string Database, string User, string Fingerprint, string Text, long Calls, double TotalSeconds, double MeanSeconds);

/// <summary>Sessions waiting on one wait event now.</summary>
/// <param name="Type">pg_stat_activity.wait_event_type, e.g. <c>Lock</c>.</param>
/// <param name="Name">pg_stat_activity.wait_event, e.g. <c>transactionid</c>.</param>
/// <param name="Sessions">How many client sessions wait on it.</param>
internal sealed record WaitActivity(string Type, string Name, long Sessions);

/// <summary>A session waiting for a lock another session holds.</summary>
/// <param name="Pid">The blocked backend's process ID.</param>
/// <param name="BlockingPid">A backend holding the lock it waits for.</param>
/// <param name="WaitSeconds">How long it has waited, in seconds.</param>
/// <param name="Fingerprint">The fingerprint of the blocked statement.</param>
/// <param name="Text">The blocked statement's normalized text, when known.</param>
internal sealed record BlockedSession(long Pid, long BlockingPid, double WaitSeconds, string Fingerprint, string? Text);

/// <summary>One standby or other WAL receiver streaming from the server.</summary>
/// <param name="Client">pg_stat_replication.client_addr (or <c>unix</c>).</param>
/// <param name="BytesBehind">Bytes of WAL it has not replayed, when known.</param>
/// <param name="ReplayLagSeconds">replay_lag in seconds, when known.</param>
internal sealed record ReplicationClient(string Client, long? BytesBehind, double? ReplayLagSeconds);
