using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// What keeps vacuum from removing dead rows and makes wraparound age climb: replication slots'
/// xmin and catalog_xmin, sessions holding a transaction open, standbys' feedback and prepared
/// transactions. Each is made to happen on a real server, and the reported age must agree with the
/// server's own views and grow with every new transaction ID.
/// </summary>
[Collection(ReplicationClusters.Collection)]
public sealed class VacuumHorizonTests(ReplicationClusters topologies)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task An_inactive_logical_slot_holds_its_catalog_xmin_and_its_age_grows_with_every_new_transaction(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        var primary = topology.Primary.ConnectionString;
        const string Slot = "idle_logical_slot";
        await ServerSql.ExecuteAsync(primary, $"SELECT pg_create_logical_replication_slot('{Slot}', 'pgoutput')", Cancel);
        try
        {
            await using var scraper = new TopologyScraper(topology.Primary);
            bool OfSlot(CollectedPoint p) => p.Attribute("slot_name") == Slot;

            var first = await ViewOracle.ScrapeAgreeingAsync(scraper, primary, $"SELECT age(catalog_xmin) FROM pg_replication_slots WHERE slot_name = '{Slot}'", "postgresql.replication_slot.catalog_xmin.age", OfSlot, Cancel);
            Assert.Equal(0, first.Single("postgresql.replication_slot.active", OfSlot).Value);
            Assert.Equal("logical", first.Single("postgresql.replication_slot.catalog_xmin.age", OfSlot).Attribute("slot_type"));
            Assert.Empty(first.Of("postgresql.replication_slot.xmin.age", OfSlot));

            await ServerSql.ConsumeTransactionIdsAsync(primary, 5, Cancel);
            var later = await ViewOracle.ScrapeAgreeingAsync(scraper, primary, $"SELECT age(catalog_xmin) FROM pg_replication_slots WHERE slot_name = '{Slot}'", "postgresql.replication_slot.catalog_xmin.age", OfSlot, Cancel);
            Assert.True(
                later.Single("postgresql.replication_slot.catalog_xmin.age", OfSlot).Value >= first.Single("postgresql.replication_slot.catalog_xmin.age", OfSlot).Value + 5,
                "the age grows by at least the 5 transactions run since");

            // Nobody consumes the slot, so the WAL written since is the publisher's lag behind it.
            await ViewOracle.ScrapeAgreeingAsync(
                scraper, primary, $"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = '{Slot}'", "postgresql.replication_slot.data_delay", OfSlot, Cancel, value => value > 0);
        }
        finally
        {
            await ServerSql.ExecuteAsync(primary, $"SELECT pg_drop_replication_slot('{Slot}')", Cancel);
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_physical_slot_keeps_its_standbys_xmin_after_the_standby_is_gone_and_its_age_grows(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        var primary = topology.Primary.ConnectionString;
        const string Slot = "departed_standby_slot";
        await using var scraper = new TopologyScraper(topology.Primary);
        bool OfSlot(CollectedPoint p) => p.Attribute("slot_name") == Slot;
        try
        {
            await using (var standby = await PostgresStandby.StartAsync(topology.Primary, new StandbyOptions("departed_standby") { SlotName = Slot }, Cancel))
            {
                await scraper.ScrapeUntilAsync(s => s.Of("postgresql.replication_slot.xmin.age", OfSlot).Any(), "the standby's hot_standby_feedback xmin on its slot", Cancel);
            }

            var gone = await scraper.ScrapeUntilAsync(s => s.Of("postgresql.replication_slot.active", OfSlot).Any(p => p.Value == 0), "the slot inactive once its standby stopped", Cancel);
            var first = await ViewOracle.ScrapeAgreeingAsync(scraper, primary, $"SELECT age(xmin) FROM pg_replication_slots WHERE slot_name = '{Slot}'", "postgresql.replication_slot.xmin.age", OfSlot, Cancel);
            Assert.Equal("physical", first.Single("postgresql.replication_slot.xmin.age", OfSlot).Attribute("slot_type"));

            await ServerSql.ConsumeTransactionIdsAsync(primary, 5, Cancel);
            var later = await ViewOracle.ScrapeAgreeingAsync(scraper, primary, $"SELECT age(xmin) FROM pg_replication_slots WHERE slot_name = '{Slot}'", "postgresql.replication_slot.xmin.age", OfSlot, Cancel);
            Assert.True(
                later.Single("postgresql.replication_slot.xmin.age", OfSlot).Value >= first.Single("postgresql.replication_slot.xmin.age", OfSlot).Value + 5,
                "the age grows by at least the 5 transactions run since");
            Assert.Equal(0, later.Single("postgresql.replication_slot.active", OfSlot).Value);
            Assert.Empty(gone.Of("postgresql.replication_slot.data_delay", OfSlot));
        }
        finally
        {
            await ServerSql.ExecuteAsync(primary, $"SELECT pg_drop_replication_slot('{Slot}')", Cancel);
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_session_idle_in_a_transaction_that_wrote_holds_the_oldest_backend_xmin(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        var primary = topology.Primary.ConnectionString;
        await using var scraper = new TopologyScraper(topology.Primary);
        await using var holder = new Npgsql.NpgsqlConnection(ServerSql.InDatabase(primary, "postgres"));
        await holder.OpenAsync(Cancel);
        // Between statements a read-committed session has no snapshot, but the transaction ID it took still holds the horizon.
        await using (var begin = new Npgsql.NpgsqlCommand("BEGIN; SELECT txid_current()", holder))
        {
            await begin.ExecuteNonQueryAsync(Cancel);
        }

        await ServerSql.ConsumeTransactionIdsAsync(primary, 5, Cancel);
        var holderAge = $"SELECT greatest(age(backend_xid), age(backend_xmin)) FROM pg_stat_activity WHERE pid = {holder.ProcessID}";
        var scrape = await ViewOracle.ScrapeAgreeingAsync(scraper, primary, holderAge, "postgresql.backend.xmin.age", _ => true, Cancel);
        var held = scrape.Single("postgresql.backend.xmin.age").Value;
        Assert.True(held >= 5, "the 5 transactions run since it began");

        await using (var rollback = new Npgsql.NpgsqlCommand("ROLLBACK", holder))
        {
            await rollback.ExecuteNonQueryAsync(Cancel);
        }

        // Without it the oldest is a younger snapshot, at least the scrape's own.
        await scraper.ScrapeUntilAsync(s => s.Of("postgresql.backend.xmin.age").Any(p => p.Value < held), "the horizon released with the transaction", Cancel);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_prepared_transaction_is_counted_on_the_primary_and_its_standby_and_its_age_grows(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        var primary = topology.Primary.ConnectionString;
        await using var scraper = new TopologyScraper(topology.Primary);
        await using var standbyScraper = new TopologyScraper(topology.Standby);
        var none = await scraper.ScrapeAsync(Cancel);
        Assert.Equal(0, none.Single("postgresql.prepared_transaction.count").Value);
        Assert.Empty(none.Of("postgresql.prepared_transaction.age"));
        Assert.Empty(none.Of("postgresql.prepared_transaction.xmin.age"));

        await ServerSql.ExecuteAsync(primary, "CREATE TABLE IF NOT EXISTS prepared_probe (id int); BEGIN; INSERT INTO prepared_probe VALUES (1); PREPARE TRANSACTION 'pgmetrics_probe'", Cancel);
        try
        {
            var prepared = await ViewOracle.ScrapeAgreeingAsync(scraper, primary, "SELECT max(age(transaction)) FROM pg_prepared_xacts", "postgresql.prepared_transaction.xmin.age", _ => true, Cancel);
            Assert.Equal(1, prepared.Single("postgresql.prepared_transaction.count").Value);
            var (before, bracketed, after) = await ViewOracle.ScrapeBetweenReadingsAsync(scraper, primary, "prepared", "pg_prepared_xacts", Cancel);
            Assert.InRange(bracketed.Single("postgresql.prepared_transaction.age").Value, before, after);

            await ServerSql.ConsumeTransactionIdsAsync(primary, 5, Cancel);
            var later = await ViewOracle.ScrapeAgreeingAsync(scraper, primary, "SELECT max(age(transaction)) FROM pg_prepared_xacts", "postgresql.prepared_transaction.xmin.age", _ => true, Cancel);
            Assert.True(later.Single("postgresql.prepared_transaction.xmin.age").Value >= prepared.Single("postgresql.prepared_transaction.xmin.age").Value + 5);

            // A standby replays the prepared transaction but does not list it in pg_prepared_xacts; it reports what its own view lists.
            await topology.WaitForReplayAsync(topology.Standby, Cancel);
            await ViewOracle.ScrapeAgreeingAsync(standbyScraper, topology.Standby.ConnectionString, "SELECT count(*) FROM pg_prepared_xacts", "postgresql.prepared_transaction.count", _ => true, Cancel);
        }
        finally
        {
            await ServerSql.ExecuteAsync(primary, "ROLLBACK PREPARED 'pgmetrics_probe'", Cancel);
        }
    }
}
