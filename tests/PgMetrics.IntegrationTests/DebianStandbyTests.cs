using System.Globalization;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// The cross-check of the test fixture's standbys: a standby made as most users make one, with Debian's
/// PostgreSQL 15 and <c>pg_basebackup -R</c>, reports the same metrics as the fixture's PostgreSQL 15
/// standby made with the low-level backup API, and agrees with its own views.
/// </summary>
[Collection(ReplicationClusters.Collection)]
public sealed class DebianStandbyTests(ReplicationClusters topologies)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>What the fixture's standby reports about the cascading standby streaming from it; the Debian standby has none.</summary>
    private static readonly string[] AboutItsOwnStandbys = ["postgresql.wal.lag", "postgresql.wal.delay", "postgresql.replication.data_delay", "postgresql.replication.xmin.age"];

    [Fact]
    public async Task A_pg_basebackup_standby_of_Debians_PostgreSQL_15_reports_what_a_low_level_backup_standby_reports()
    {
        Assert.SkipUnless(PostgresVersions.Requested.Contains(DebianPostgres.Major), $"PostgreSQL {DebianPostgres.Major} is not among the versions tested");
        Assert.True(DebianPostgres.IsInstalled, $"Debian's postgresql-{DebianPostgres.Major} is not installed in {DebianPostgres.BinFolder} (apt-get install postgresql-{DebianPostgres.Major}; ./build.sh --target=Test installs it)");
        await using var primary = await DebianPostgres.StartAsync(ReplicationClusters.Settings, Cancel);
        await ServerSql.ExecuteAsync(primary.ConnectionString, "CREATE EXTENSION pg_stat_statements", Cancel);
        await using var standby = await DebianPostgres.StartBaseBackupStandbyAsync(primary, new Dictionary<string, string>(), Cancel);
        var topology = await topologies.GetAsync(DebianPostgres.Major, Cancel);
        await ReplicationTopology.WaitForReplayAsync(primary, standby, Cancel);
        await topology.WaitForReplayAsync(topology.Standby, Cancel);
        await using var debianScraper = new TopologyScraper(standby);
        await using var fixtureScraper = new TopologyScraper(topology.Standby);

        var debian = await debianScraper.ScrapeUntilAsync(CaughtUp, "Debian's standby streaming and caught up", Cancel);
        var fixture = await fixtureScraper.ScrapeUntilAsync(s => CaughtUp(s) && s.Of("postgresql.replication.xmin.age").Any(), "the fixture's standby streaming and caught up", Cancel);

        Assert.Equal(debian.Result.Skipped.Select(s => s.Query).Order(StringComparer.Ordinal), fixture.Result.Skipped.Select(s => s.Query).Order(StringComparer.Ordinal));
        // Per-table metrics depend on the tables other tests left in the fixture's postgres database; the rest must match.
        Assert.Equal(ServerMetrics(fixture).Except(AboutItsOwnStandbys).Order(StringComparer.Ordinal), ServerMetrics(debian).Order(StringComparer.Ordinal));
        foreach (var metric in new[] { "postgresql.recovery.active", "postgresql.recovery.replay.paused", "postgresql.recovery.replay.lag", "postgresql.recovery.replay.data_delay" })
        {
            Assert.Equal(fixture.Single(metric).Value, debian.Single(metric).Value);
        }

        var view = Assert.Single(await ServerSql.RowsAsync(standby.ConnectionString, "SELECT status, sender_host, sender_port FROM pg_stat_wal_receiver", Cancel));
        Assert.Equal(new object?[] { "streaming", "127.0.0.1", primary.Port }, view);
        var streaming = debian.Single("postgresql.wal_receiver.status", p => p.Value == 1);
        Assert.Equal(("streaming", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture)), (streaming.Attribute("status"), streaming.Attribute("sender_host"), streaming.Attribute("sender_port")));
    }

    private static IEnumerable<string> ServerMetrics(CollectedPoints scrape)
        => scrape.Points.Where(p => p.Table is null).Select(p => p.Metric).Distinct(StringComparer.Ordinal);

    private static bool CaughtUp(CollectedPoints scrape)
        => scrape.Of("postgresql.wal_receiver.status", p => p.Attribute("status") == "streaming").Any(p => p.Value == 1)
           && scrape.Of("postgresql.recovery.replay.lag").Any(p => p.Value == 0)
           && scrape.Of("postgresql.recovery.replay.data_delay").Any(p => p.Value == 0);
}
