using PgMetrics.Runtime.Metadata;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// Which admin console SHOW command feeds which metric of Pgbouncer/metadata.yaml, column by column. Every
/// column is found by name in the command's answer, so a column a PgBouncer version lacks records nothing
/// (never a zero) and one a newer version adds is not read: versions 1.17 to 1.24 all work.
/// </summary>
internal static class PgbouncerShowCommands
{
    /// <summary>One SHOW command: its text, whether any enabled metric needs it, and how its rows are recorded.</summary>
    public sealed record Command(string Text, Func<PgbouncerMetricsConfig, bool> IsNeeded, Action<ShowResult, PgbouncerMetricsBuilder, long> Record);

    private delegate void Recorder(PgbouncerMetricsBuilder builder, long timeUnixNano, long value);

    private const double MicrosecondsPerSecond = 1_000_000d;

    private static readonly (string Column, Recorder Record)[] StatsColumns =
    [
        ("total_xact_count", static (b, t, v) => b.RecordPgbouncerTransactionsDataPoint(t, v)),
        ("total_query_count", static (b, t, v) => b.RecordPgbouncerQueriesDataPoint(t, v)),
        ("total_received", static (b, t, v) => b.RecordPgbouncerNetworkIoDataPoint(t, v, AttributeNetworkIoDirection.Receive)),
        ("total_sent", static (b, t, v) => b.RecordPgbouncerNetworkIoDataPoint(t, v, AttributeNetworkIoDirection.Transmit)),
        ("total_xact_time", static (b, t, v) => b.RecordPgbouncerTransactionTimeDataPoint(t, v / MicrosecondsPerSecond)),
        ("total_query_time", static (b, t, v) => b.RecordPgbouncerQueryTimeDataPoint(t, v / MicrosecondsPerSecond)),
        ("total_wait_time", static (b, t, v) => b.RecordPgbouncerClientWaitTimeDataPoint(t, v / MicrosecondsPerSecond)),
        ("total_server_assignment_count", static (b, t, v) => b.RecordPgbouncerServerAssignmentsDataPoint(t, v)),
        ("total_client_parse_count", static (b, t, v) => b.RecordPgbouncerClientParsesDataPoint(t, v)),
        ("total_server_parse_count", static (b, t, v) => b.RecordPgbouncerServerParsesDataPoint(t, v)),
        ("total_bind_count", static (b, t, v) => b.RecordPgbouncerBindsDataPoint(t, v)),
    ];

    private static readonly (string Column, Recorder Record)[] PoolColumns =
    [
        ("cl_active", static (b, t, v) => b.RecordPgbouncerPoolClientConnectionsDataPoint(t, v, AttributePoolClientState.Active)),
        ("cl_waiting", static (b, t, v) => b.RecordPgbouncerPoolClientConnectionsDataPoint(t, v, AttributePoolClientState.Waiting)),
        ("cl_active_cancel_req", static (b, t, v) => b.RecordPgbouncerPoolClientConnectionsDataPoint(t, v, AttributePoolClientState.ActiveCancelReq)),
        ("cl_waiting_cancel_req", static (b, t, v) => b.RecordPgbouncerPoolClientConnectionsDataPoint(t, v, AttributePoolClientState.WaitingCancelReq)),
        ("cl_cancel_req", static (b, t, v) => b.RecordPgbouncerPoolClientConnectionsDataPoint(t, v, AttributePoolClientState.CancelReq)),
        ("sv_active", static (b, t, v) => b.RecordPgbouncerPoolServerConnectionsDataPoint(t, v, AttributePoolServerState.Active)),
        ("sv_idle", static (b, t, v) => b.RecordPgbouncerPoolServerConnectionsDataPoint(t, v, AttributePoolServerState.Idle)),
        ("sv_used", static (b, t, v) => b.RecordPgbouncerPoolServerConnectionsDataPoint(t, v, AttributePoolServerState.Used)),
        ("sv_tested", static (b, t, v) => b.RecordPgbouncerPoolServerConnectionsDataPoint(t, v, AttributePoolServerState.Tested)),
        ("sv_login", static (b, t, v) => b.RecordPgbouncerPoolServerConnectionsDataPoint(t, v, AttributePoolServerState.Login)),
        ("sv_active_cancel", static (b, t, v) => b.RecordPgbouncerPoolServerConnectionsDataPoint(t, v, AttributePoolServerState.ActiveCancel)),
        ("sv_being_canceled", static (b, t, v) => b.RecordPgbouncerPoolServerConnectionsDataPoint(t, v, AttributePoolServerState.BeingCanceled)),
    ];

    private static readonly (string[] Columns, Recorder Record)[] DatabaseColumns =
    [
        (["pool_size"], static (b, t, v) => b.RecordPgbouncerDatabasePoolSizeDataPoint(t, v)),
        (["min_pool_size"], static (b, t, v) => b.RecordPgbouncerDatabasePoolMinSizeDataPoint(t, v)),
        (["reserve_pool_size", "reserve_pool"], static (b, t, v) => b.RecordPgbouncerDatabasePoolReserveSizeDataPoint(t, v)),
        (["max_connections"], static (b, t, v) => b.RecordPgbouncerDatabaseServerConnectionLimitDataPoint(t, v)),
        (["current_connections"], static (b, t, v) => b.RecordPgbouncerDatabaseServerConnectionsDataPoint(t, v)),
        (["max_client_connections"], static (b, t, v) => b.RecordPgbouncerDatabaseClientConnectionLimitDataPoint(t, v)),
        (["current_client_connections"], static (b, t, v) => b.RecordPgbouncerDatabaseClientConnectionsDataPoint(t, v)),
        (["paused"], static (b, t, v) => b.RecordPgbouncerDatabasePausedDataPoint(t, v)),
        (["disabled"], static (b, t, v) => b.RecordPgbouncerDatabaseDisabledDataPoint(t, v)),
    ];

    private static readonly Dictionary<string, Recorder> Lists = new(StringComparer.Ordinal)
    {
        ["databases"] = static (b, t, v) => b.RecordPgbouncerDatabasesDataPoint(t, v),
        ["users"] = static (b, t, v) => b.RecordPgbouncerUsersDataPoint(t, v),
        ["pools"] = static (b, t, v) => b.RecordPgbouncerPoolsDataPoint(t, v),
        ["used_clients"] = static (b, t, v) => b.RecordPgbouncerClientSlotsDataPoint(t, v, AttributeClientSlotState.Used),
        ["free_clients"] = static (b, t, v) => b.RecordPgbouncerClientSlotsDataPoint(t, v, AttributeClientSlotState.Free),
        ["login_clients"] = static (b, t, v) => b.RecordPgbouncerClientSlotsDataPoint(t, v, AttributeClientSlotState.Login),
        ["used_servers"] = static (b, t, v) => b.RecordPgbouncerServerSlotsDataPoint(t, v, AttributeServerSlotState.Used),
        ["free_servers"] = static (b, t, v) => b.RecordPgbouncerServerSlotsDataPoint(t, v, AttributeServerSlotState.Free),
        ["dns_names"] = static (b, t, v) => b.RecordPgbouncerDnsNamesDataPoint(t, v),
        ["dns_queries"] = static (b, t, v) => b.RecordPgbouncerDnsQueriesDataPoint(t, v),
    };

    /// <summary>SHOW POOLS, which the health check reads even when none of its metrics is enabled.</summary>
    public static Command Pools { get; } = new(
        "SHOW POOLS",
        static _ => true,
        static (result, builder, t) => RecordPerRow(result, builder, t, "database", "user", PoolColumns, static (row, b, t, r) =>
        {
            // maxwait is whole seconds and maxwait_us the microseconds beyond them.
            if (ShowResult.Int64(row, r.Ordinal("maxwait")) is { } seconds)
            {
                b.RecordPgbouncerPoolClientMaxWaitDataPoint(t, seconds + ((ShowResult.Int64(row, r.Ordinal("maxwait_us")) ?? 0) / MicrosecondsPerSecond));
            }
        }));

    /// <summary>Every command, in the order they are sent.</summary>
    public static IReadOnlyList<Command> All { get; } =
    [
        new("SHOW STATS",
            static c => c.PgbouncerTransactions.Enabled || c.PgbouncerQueries.Enabled || c.PgbouncerNetworkIo.Enabled || c.PgbouncerTransactionTime.Enabled || c.PgbouncerQueryTime.Enabled
                || c.PgbouncerClientWaitTime.Enabled || c.PgbouncerServerAssignments.Enabled || c.PgbouncerClientParses.Enabled || c.PgbouncerServerParses.Enabled || c.PgbouncerBinds.Enabled,
            static (result, builder, t) => RecordPerRow(result, builder, t, "database", null, StatsColumns)),
        Pools,
        new("SHOW DATABASES",
            static c => c.PgbouncerDatabasePoolSize.Enabled || c.PgbouncerDatabasePoolMinSize.Enabled || c.PgbouncerDatabasePoolReserveSize.Enabled || c.PgbouncerDatabaseServerConnectionLimit.Enabled
                || c.PgbouncerDatabaseServerConnections.Enabled || c.PgbouncerDatabaseClientConnectionLimit.Enabled || c.PgbouncerDatabaseClientConnections.Enabled
                || c.PgbouncerDatabasePaused.Enabled || c.PgbouncerDatabaseDisabled.Enabled,
            static (result, builder, t) => RecordDatabases(result, builder, t)),
        new("SHOW LISTS",
            static c => c.PgbouncerDatabases.Enabled || c.PgbouncerUsers.Enabled || c.PgbouncerPools.Enabled || c.PgbouncerClientSlots.Enabled || c.PgbouncerServerSlots.Enabled
                || c.PgbouncerDnsNames.Enabled || c.PgbouncerDnsQueries.Enabled,
            static (result, builder, t) => RecordLists(result, builder, t)),
        new("SHOW CLIENTS",
            static c => c.PgbouncerClientConnections.Enabled,
            static (result, builder, t) => RecordStateCounts(result, builder, t, static (b, t, v, state) => b.RecordPgbouncerClientConnectionsDataPoint(t, v, state))),
        new("SHOW SERVERS",
            static c => c.PgbouncerServerConnections.Enabled,
            static (result, builder, t) => RecordStateCounts(result, builder, t, static (b, t, v, state) => b.RecordPgbouncerServerConnectionsDataPoint(t, v, state))),
    ];

    private static void RecordPerRow(
        ShowResult result, PgbouncerMetricsBuilder builder, long timeUnixNano, string databaseColumn, string? userColumn, (string Column, Recorder Record)[] columns,
        Action<string?[], PgbouncerMetricsBuilder, long, ShowResult>? more = null)
    {
        var database = result.Ordinal(databaseColumn);
        var user = userColumn is null ? -1 : result.Ordinal(userColumn);
        var ordinals = columns.Select(c => result.Ordinal(c.Column)).ToArray();
        foreach (var row in result.Rows)
        {
            builder.SetResource(pgbouncerDatabaseName: ShowResult.Text(row, database), pgbouncerUserName: ShowResult.Text(row, user));
            for (var i = 0; i < columns.Length; i++)
            {
                if (ShowResult.Int64(row, ordinals[i]) is { } value)
                {
                    columns[i].Record(builder, timeUnixNano, value);
                }
            }

            more?.Invoke(row, builder, timeUnixNano, result);
        }
    }

    private static void RecordDatabases(ShowResult result, PgbouncerMetricsBuilder builder, long timeUnixNano)
    {
        var name = result.Ordinal("name");
        var ordinals = DatabaseColumns.Select(c => result.Ordinal(c.Columns)).ToArray();
        foreach (var row in result.Rows)
        {
            builder.SetResource(pgbouncerDatabaseName: ShowResult.Text(row, name));
            for (var i = 0; i < DatabaseColumns.Length; i++)
            {
                if (ShowResult.Int64(row, ordinals[i]) is { } value)
                {
                    DatabaseColumns[i].Record(builder, timeUnixNano, value);
                }
            }
        }
    }

    private static void RecordLists(ShowResult result, PgbouncerMetricsBuilder builder, long timeUnixNano)
    {
        // One row per list: (list, items).
        var list = result.Ordinal("list");
        var items = result.Ordinal("items");
        builder.SetResource();
        foreach (var row in result.Rows)
        {
            if (ShowResult.Text(row, list) is { } name && Lists.TryGetValue(name, out var record) && ShowResult.Int64(row, items) is { } value)
            {
                record(builder, timeUnixNano, value);
            }
        }
    }

    private static void RecordStateCounts(ShowResult result, PgbouncerMetricsBuilder builder, long timeUnixNano, Action<PgbouncerMetricsBuilder, long, long, string> record)
    {
        var (database, user, state) = (result.Ordinal("database"), result.Ordinal("user"), result.Ordinal("state"));
        if (state < 0)
        {
            return;
        }

        var counts = result.Rows
            .GroupBy(row => (Database: ShowResult.Text(row, database), User: ShowResult.Text(row, user), State: ShowResult.Text(row, state) ?? "unknown"))
            .OrderBy(group => group.Key.Database, StringComparer.Ordinal).ThenBy(group => group.Key.User, StringComparer.Ordinal).ThenBy(group => group.Key.State, StringComparer.Ordinal);
        (string?, string?)? current = null;
        foreach (var group in counts)
        {
            if (current != (group.Key.Database, group.Key.User))
            {
                current = (group.Key.Database, group.Key.User);
                builder.SetResource(pgbouncerDatabaseName: group.Key.Database, pgbouncerUserName: group.Key.User);
            }

            record(builder, timeUnixNano, group.LongCount(), group.Key.State);
        }
    }
}
