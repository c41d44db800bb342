using System.Globalization;
using PgMetrics.IntegrationTests.Infrastructure;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// A standby reports its own side of replication: that it is in recovery, its replay lag and unreplayed
/// WAL, and its WAL receiver with the upstream it streams from; a cascading standby's upstream is the
/// standby before it, which in turn reports it as its client. Checked against the servers' own views on
/// real standbys of every version.
/// </summary>
[Collection(ReplicationClusters.Collection)]
public sealed class StandbyViewTests(ReplicationClusters topologies)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly string[] ReceiverStates = ["stopped", "starting", "streaming", "waiting", "restarting", "stopping"];

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_caught_up_standby_of_an_idle_primary_reports_recovery_its_upstream_and_zero_replay_lag(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        // A replayed commit, so "time since the last replayed commit" is a number that grows on an idle pair.
        await ServerSql.ExecuteAsync(topology.Primary.ConnectionString, "CREATE TABLE IF NOT EXISTS replay_probe (id bigint); INSERT INTO replay_probe VALUES (0)", Cancel);
        await topology.WaitForReplayAsync(topology.Standby, Cancel);
        await using var standby = new TopologyScraper(topology.Standby);

        var scrape = await standby.ScrapeUntilAsync(
            s => Value(s, "postgresql.recovery.replay.lag") == 0 && Value(s, "postgresql.recovery.replay.data_delay") == 0 && Streaming(s) == 1,
            "the standby streaming with everything received replayed", Cancel);

        var view = Assert.Single(await ServerSql.RowsAsync(
            topology.Standby.ConnectionString,
            "SELECT pg_is_in_recovery(), pg_is_wal_replay_paused(), pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint, w.status, w.sender_host, w.sender_port FROM pg_stat_wal_receiver w",
            Cancel));
        Assert.Equal(new object?[] { true, false, 0L, "streaming", "127.0.0.1", topology.Primary.Port }, view);
        // The lag is 0 because nothing waits to be replayed, not because the last commit was just now.
        Assert.True(await ServerSql.ScalarAsync<double>(topology.Standby.ConnectionString, "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8", Cancel) > 0);
        Assert.Equal(1, Value(scrape, "postgresql.recovery.active"));
        Assert.Equal(0, Value(scrape, "postgresql.recovery.replay.paused"));

        // One point per receiver state, 1 for the current one, each naming the upstream.
        var states = scrape.Of("postgresql.wal_receiver.status").ToList();
        Assert.Equal(ReceiverStates.Order(StringComparer.Ordinal), states.Select(p => p.Attribute("status")!).Order(StringComparer.Ordinal));
        Assert.All(states, p => Assert.Equal(p.Attribute("status") == "streaming" ? 1 : 0, p.Value));
        Assert.All(states, p => Assert.Equal(("127.0.0.1", Port(topology.Primary.Port)), (p.Attribute("sender_host"), p.Attribute("sender_port"))));

        // The age of the receiver's last message lies between two readings of the standby's view around a scrape.
        var (before, bracketed, after) = await ViewOracle.ScrapeBetweenReadingsAsync(standby, topology.Standby.ConnectionString, "last_msg_receipt_time", "pg_stat_wal_receiver", Cancel);
        Assert.InRange(bracketed.Single("postgresql.wal_receiver.last_message.age").Value, before, after);

        // The primary is not in recovery and has no standby's view of its own.
        await using var primary = new TopologyScraper(topology.Primary);
        var primaryScrape = await primary.ScrapeAsync(Cancel);
        Assert.Empty(primaryScrape.Result.Errors);
        Assert.Equal(0, Value(primaryScrape, "postgresql.recovery.active"));
        Assert.DoesNotContain(primaryScrape.Points, p => p.Metric.StartsWith("postgresql.recovery.replay.", StringComparison.Ordinal) || p.Metric.StartsWith("postgresql.wal_receiver.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Replay_lag_and_unreplayed_WAL_grow_while_the_standbys_replay_is_paused_and_return_to_zero_after(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        // A replayed transaction gives the standby a last replayed commit time to measure the lag from.
        await ServerSql.ExecuteAsync(topology.Primary.ConnectionString, "CREATE TABLE IF NOT EXISTS replay_probe (id bigint); INSERT INTO replay_probe VALUES (0)", Cancel);
        await topology.WaitForReplayAsync(topology.Standby, Cancel);
        await using var standby = new TopologyScraper(topology.Standby);
        await using var primary = new TopologyScraper(topology.Primary);
        await primary.ScrapeUntilAsync(s => SlotXminAge(s) is not null, "the standby's slot holding its hot_standby_feedback xmin", Cancel);

        await ServerSql.ExecuteAsync(topology.Standby.ConnectionString, "SELECT pg_wal_replay_pause()", Cancel);
        try
        {
            await ServerSql.ExecuteAsync(topology.Primary.ConnectionString, "INSERT INTO replay_probe SELECT generate_series(1, 1000)", Cancel);
            await standby.ScrapeUntilAsync(
                s => Value(s, "postgresql.recovery.replay.paused") == 1 && Value(s, "postgresql.recovery.replay.data_delay") > 0 && Value(s, "postgresql.recovery.replay.lag") > 0,
                "the paused standby behind the primary", Cancel);

            // Once everything is received (the primary is idle again), the unreplayed WAL is what the standby's own view says.
            await Poll.UntilAsync(
                async () => (Scraped: Value(await standby.ScrapeAsync(Cancel), "postgresql.recovery.replay.data_delay"),
                             View: await ServerSql.ScalarAsync<long>(topology.Standby.ConnectionString, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint", Cancel)),
                pair => pair.Scraped == pair.View && pair.View > 0,
                "the scraped unreplayed WAL equal to pg_last_wal_receive_lsn() - pg_last_wal_replay_lsn()", Cancel);

            // The lag is the time since the last replayed commit: between two readings of it around a scrape, and growing.
            var (before, bracketed, after) = await ViewOracle.ScrapeBetweenReadingsAsync(standby, topology.Standby.ConnectionString, "pg_last_xact_replay_timestamp()", null, Cancel);
            var lag = bracketed.Single("postgresql.recovery.replay.lag").Value;
            Assert.InRange(lag, before, after);
            await standby.ScrapeUntilAsync(s => Value(s, "postgresql.recovery.replay.lag") > lag, "the replay lag growing while replay is paused", Cancel);

            // The standby's xmin stays where replay stopped, so its slot holds back the primary's vacuum more with every
            // new transaction. (Feedback sent just before the pause may still move it once: then measure again.)
            var slotView = $"SELECT xmin::text, age(xmin) FROM pg_replication_slots WHERE slot_name = '{ReplicationTopology.StandbySlot}'";
            var (baseline, held, _) = await Poll.UntilAsync(
                async () =>
                {
                    var before = Assert.Single(await ServerSql.RowsAsync(topology.Primary.ConnectionString, slotView, Cancel));
                    await ServerSql.ConsumeTransactionIdsAsync(topology.Primary.ConnectionString, 5, Cancel);
                    var scrape = await ViewOracle.ScrapeAgreeingAsync(
                        primary, topology.Primary.ConnectionString, $"SELECT age(xmin) FROM pg_replication_slots WHERE slot_name = '{ReplicationTopology.StandbySlot}'",
                        "postgresql.replication_slot.xmin.age", p => p.Attribute("slot_name") == ReplicationTopology.StandbySlot, Cancel);
                    var after = Assert.Single(await ServerSql.RowsAsync(topology.Primary.ConnectionString, slotView, Cancel));
                    return (Before: before, Scrape: scrape, SameXmin: Equals(before[0], after[0]));
                },
                r => r.SameXmin,
                "the slot's xmin holding still across 5 new transactions", Cancel);
            Assert.True(SlotXminAge(held) >= (int)baseline[1]! + 5, "the age grows by at least the 5 transactions run since");
        }
        finally
        {
            await ServerSql.ExecuteAsync(topology.Standby.ConnectionString, "SELECT pg_wal_replay_resume()", Cancel);
        }

        await standby.ScrapeUntilAsync(
            s => Value(s, "postgresql.recovery.replay.paused") == 0 && Value(s, "postgresql.recovery.replay.lag") == 0 && Value(s, "postgresql.recovery.replay.data_delay") == 0,
            "the resumed standby caught up again", Cancel);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_cascading_standby_reports_its_upstream_and_the_standby_in_the_middle_both_its_upstream_and_its_client(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        await topology.WaitForReplayAsync(topology.Cascade, Cancel);
        await using var cascade = new TopologyScraper(topology.Cascade);
        await using var standby = new TopologyScraper(topology.Standby);
        await using var primary = new TopologyScraper(topology.Primary);

        var cascadeScrape = await cascade.ScrapeUntilAsync(s => Streaming(s) == 1 && Value(s, "postgresql.recovery.replay.lag") == 0, "the cascade streaming and caught up", Cancel);
        Assert.Equal(1, Value(cascadeScrape, "postgresql.recovery.active"));
        Assert.Equal(Port(topology.Standby.Port), cascadeScrape.Single("postgresql.wal_receiver.status", p => p.Attribute("status") == "streaming").Attribute("sender_port"));

        var middle = await standby.ScrapeUntilAsync(
            s => Streaming(s) == 1 && s.Of("postgresql.replication.xmin.age").Any() && s.Of("postgresql.wal.lag").Any(),
            "the standby streaming and reporting the cascade", Cancel);
        Assert.Equal(Port(topology.Primary.Port), middle.Single("postgresql.wal_receiver.status", p => p.Attribute("status") == "streaming").Attribute("sender_port"));
        var client = Assert.Single(await ServerSql.RowsAsync(topology.Standby.ConnectionString, "SELECT application_name, host(client_addr), pg_wal_lsn_diff(greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), replay_lsn)::bigint FROM pg_stat_replication", Cancel));
        Assert.Equal(new object?[] { ReplicationTopology.CascadeName, "127.0.0.1" }, client[..2]);
        Assert.Equal(3, middle.Of("postgresql.wal.lag", p => p.Attribute("replication_client") == "127.0.0.1").Count());
        Assert.Equal((long)client[2]!, middle.Single("postgresql.replication.data_delay", p => p.Attribute("replication_client") == "127.0.0.1").Value);

        // The cascade streams without a slot, so its hot_standby_feedback xmin is held by its WAL sender on the standby.
        await Poll.UntilAsync(
            async () => (Scraped: Value(await standby.ScrapeAsync(Cancel), "postgresql.replication.xmin.age"),
                         View: await ServerSql.ScalarAsync<long>(topology.Standby.ConnectionString, "SELECT age(backend_xmin) FROM pg_stat_replication", Cancel)),
            pair => pair.Scraped == pair.View,
            "the standby's replication xmin age equal to age(pg_stat_replication.backend_xmin)", Cancel);

        // The primary streams to the standby alone, through its slot, which holds the standby's xmin instead of its WAL sender.
        var primaryScrape = await primary.ScrapeUntilAsync(s => SlotXminAge(s) is not null, "the standby's slot with its xmin", Cancel);
        Assert.Equal(1, primaryScrape.Single("postgresql.replication_slot.active", p => p.Attribute("slot_name") == ReplicationTopology.StandbySlot).Value);
        Assert.Single(primaryScrape.Of("postgresql.replication.data_delay"));
        Assert.Empty(primaryScrape.Of("postgresql.replication.xmin.age"));
    }

    private static double? Value(CollectedPoints scrape, string metric) => scrape.Of(metric).SingleOrDefault()?.Value;

    private static double? Streaming(CollectedPoints scrape)
        => scrape.Of("postgresql.wal_receiver.status", p => p.Attribute("status") == "streaming").SingleOrDefault()?.Value;

    private static double? SlotXminAge(CollectedPoints scrape)
        => scrape.Of("postgresql.replication_slot.xmin.age", p => p.Attribute("slot_name") == ReplicationTopology.StandbySlot).SingleOrDefault()?.Value;

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
