using PgMetrics.IntegrationTests.Infrastructure;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// Logical replication from both sides: the subscriber reports its apply worker (running, how much it
/// has received but not applied, when it last heard from the publisher) and its errors; the publisher
/// reports how far the subscription's slot is behind, which grows while the subscription is disabled.
/// Publisher and subscriber are two databases of a topology's primary.
/// </summary>
[Collection(ReplicationClusters.Collection)]
public sealed class LogicalReplicationTests(ReplicationClusters topologies)
{
    private const string Subscription = "orders_sub";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_subscription_reports_its_apply_worker_and_errors_and_its_slot_falls_behind_while_it_is_disabled(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        var primary = topology.Primary;
        await using var publisher = await TestDatabase.CreateAsync(primary, Cancel);
        await using var subscriber = await TestDatabase.CreateAsync(primary, Cancel);
        var slot = "slot_" + subscriber.Name;
        await publisher.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY); CREATE PUBLICATION orders_pub FOR TABLE orders", Cancel);
        await subscriber.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY)", Cancel);
        // Publisher and subscriber share a server, so the slot is made first: CREATE SUBSCRIPTION would wait for itself.
        await publisher.ExecuteAsync($"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')", Cancel);
        await subscriber.ExecuteAsync(
            $"CREATE SUBSCRIPTION {Subscription} CONNECTION 'host=127.0.0.1 port={primary.Port} user=postgres dbname={publisher.Name}' PUBLICATION orders_pub WITH (create_slot = false, slot_name = '{slot}', copy_data = false)",
            Cancel);
        try
        {
            await using var scraper = new TopologyScraper(primary, publisher.Name, subscriber.Name);
            bool OfSubscription(CollectedPoint p) => p.Attribute("subscription_name") == Subscription && p.Database == subscriber.Name;
            bool OfSlot(CollectedPoint p) => p.Attribute("slot_name") == slot;
            const string ApplyWorker = $"pg_stat_subscription WHERE subname = '{Subscription}' AND relid IS NULL";

            await publisher.ExecuteAsync("INSERT INTO orders SELECT generate_series(1, 100)", Cancel);
            await WaitForRowsAsync(subscriber, 100);
            var running = await scraper.ScrapeUntilAsync(
                s => s.Of("postgresql.subscription.active", OfSubscription).Any(p => p.Value == 1) && s.Of("postgresql.replication_slot.active", OfSlot).Any(p => p.Value == 1),
                "the apply worker running and streaming from its slot", Cancel);
            Assert.Equal(1, await ServerSql.ScalarAsync<long>(subscriber.ConnectionString, $"SELECT count(*) FROM {ApplyWorker} AND pid IS NOT NULL", Cancel));
            await ViewOracle.ScrapeAgreeingAsync(
                scraper, subscriber.ConnectionString, $"SELECT pg_wal_lsn_diff(received_lsn, latest_end_lsn)::bigint FROM {ApplyWorker}", "postgresql.subscription.data_delay", OfSubscription, Cancel);
            var (before, bracketed, after) = await ViewOracle.ScrapeBetweenReadingsAsync(scraper, subscriber.ConnectionString, "last_msg_receipt_time", ApplyWorker, Cancel);
            Assert.InRange(bracketed.Single("postgresql.subscription.last_message.age", OfSubscription).Value, before, after);
            Assert.Equal("logical", running.Single("postgresql.replication_slot.data_delay", OfSlot).Attribute("slot_type"));

            // A role with only pg_monitor sees the subscription too (before PostgreSQL 14 it may not read pg_subscription.oid).
            await using (var role = await MonitoringRole.CreateAsync(primary))
            await using (var monitor = TopologyScraper.AsRole(primary, role, publisher.Name, subscriber.Name))
            {
                var asMonitor = await monitor.ScrapeAsync(Cancel);
                Assert.Empty(asMonitor.Result.Errors);
                Assert.Equal(1, asMonitor.Single("postgresql.subscription.active", OfSubscription).Value);
                Assert.Single(asMonitor.Of("postgresql.subscription.last_message.age", OfSubscription));
            }

            if (major >= 15)
            {
                // The subscriber already has the row the publisher inserts next: the apply worker fails on it until it is gone.
                await subscriber.ExecuteAsync("INSERT INTO orders VALUES (1000)", Cancel);
                await publisher.ExecuteAsync("INSERT INTO orders VALUES (1000), (1001)", Cancel);
                bool Apply(CollectedPoint p) => OfSubscription(p) && p.Attribute("worker_type") == "apply";
                var failed = await scraper.ScrapeUntilAsync(s => s.Of("postgresql.subscription.errors", Apply).Any(p => p.Value >= 1), "an apply error counted", Cancel);
                Assert.Equal(0, failed.Single("postgresql.subscription.errors", p => OfSubscription(p) && p.Attribute("worker_type") == "table_synchronization").Value);
                await subscriber.ExecuteAsync("DELETE FROM orders WHERE id = 1000", Cancel);
                await WaitForRowsAsync(subscriber, 102);
                await ViewOracle.ScrapeAgreeingAsync(
                    scraper, subscriber.ConnectionString, $"SELECT apply_error_count FROM pg_stat_subscription_stats WHERE subname = '{Subscription}'", "postgresql.subscription.errors", Apply, Cancel);
            }

            // Disabled, the apply worker stops and the publisher's slot falls behind with every change.
            await subscriber.ExecuteAsync($"ALTER SUBSCRIPTION {Subscription} DISABLE", Cancel);
            var disabled = await scraper.ScrapeUntilAsync(
                s => s.Of("postgresql.subscription.active", OfSubscription).Any(p => p.Value == 0) && s.Of("postgresql.replication_slot.active", OfSlot).Any(p => p.Value == 0),
                "the subscription's worker and its WAL sender gone", Cancel);
            Assert.Empty(disabled.Of("postgresql.subscription.data_delay", OfSubscription));
            Assert.Empty(disabled.Of("postgresql.subscription.last_message.age", OfSubscription));
            var slotLag = $"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = '{slot}'";
            var behind = await ViewOracle.ScrapeAgreeingAsync(scraper, primary.ConnectionString, slotLag, "postgresql.replication_slot.data_delay", OfSlot, Cancel);
            await publisher.ExecuteAsync("INSERT INTO orders SELECT generate_series(2000, 2999)", Cancel);
            var lag = behind.Single("postgresql.replication_slot.data_delay", OfSlot).Value;
            await ViewOracle.ScrapeAgreeingAsync(scraper, primary.ConnectionString, slotLag, "postgresql.replication_slot.data_delay", OfSlot, Cancel, value => value > lag);
        }
        finally
        {
            await subscriber.ExecuteAsync($"ALTER SUBSCRIPTION {Subscription} DISABLE", Cancel);
            await subscriber.ExecuteAsync($"ALTER SUBSCRIPTION {Subscription} SET (slot_name = NONE)", Cancel);
            await subscriber.ExecuteAsync($"DROP SUBSCRIPTION {Subscription}", Cancel);
            // The WAL sender of a just disabled subscription may hold the slot a moment longer.
            await Poll.UntilAsync(
                () => ServerSql.ScalarAsync<bool>(primary.ConnectionString, $"SELECT NOT active FROM pg_replication_slots WHERE slot_name = '{slot}'", Cancel),
                inactive => inactive, $"slot {slot} released", Cancel);
            await publisher.ExecuteAsync($"SELECT pg_drop_replication_slot('{slot}')", Cancel);
        }
    }

    private static Task WaitForRowsAsync(TestDatabase subscriber, long rows)
        => Poll.UntilAsync(
            () => ServerSql.ScalarAsync<long>(subscriber.ConnectionString, "SELECT count(*) FROM orders", Cancel),
            count => count == rows, $"{rows} rows applied to the subscriber", Cancel);
}
