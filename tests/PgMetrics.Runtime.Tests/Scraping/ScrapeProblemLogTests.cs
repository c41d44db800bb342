using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Tests.Scraping;

public sealed class ScrapeProblemLogTests
{
    private static readonly ScrapeError Denied = new(ScrapeErrorKind.Permission, "archiver", "postgres", "permission denied for view pg_stat_archiver");
    private static readonly SkippedQuery NoVector = new("vector_searches", "shop", "extension vector is not installed in this database (CREATE EXTENSION vector)");

    private static ScrapeResult Result(IReadOnlyList<ScrapeError> errors, IReadOnlyList<SkippedQuery>? skipped = null)
        => new(170000, ["postgres", "shop"], 10, 5, errors, TimeSpan.FromMilliseconds(20)) { Skipped = skipped ?? [] };

    [Fact]
    public void A_problem_that_repeats_every_scrape_is_reported_once()
    {
        var log = new ScrapeProblemLog();

        var first = log.Update(Result([Denied], [NoVector]));
        var second = log.Update(Result([Denied], [NoVector]));

        Assert.Equal(2, first.New.Count);
        Assert.Contains(first.New, p => p.Contains("query 'archiver' in database 'postgres'", StringComparison.Ordinal) && p.Contains("permission denied", StringComparison.Ordinal));
        Assert.Contains(first.New, p => p.Contains("vector_searches", StringComparison.Ordinal) && p.Contains("CREATE EXTENSION vector", StringComparison.Ordinal));
        Assert.Empty(second.New);
        Assert.Empty(second.Resolved);
    }

    [Fact]
    public void A_problem_that_goes_away_is_reported_resolved_and_reported_again_if_it_returns()
    {
        var log = new ScrapeProblemLog();
        log.Update(Result([Denied]));

        var fixedNow = log.Update(Result([]));
        var back = log.Update(Result([Denied]));

        Assert.Equal("query 'archiver' in database 'postgres' works again", Assert.Single(fixedNow.Resolved));
        Assert.Single(back.New);
    }

    [Fact]
    public void The_same_query_failing_in_another_database_is_a_new_problem()
    {
        var log = new ScrapeProblemLog();
        log.Update(Result([Denied]));

        var update = log.Update(Result([Denied, Denied with { Database = "shop" }]));

        Assert.Contains("database 'shop'", Assert.Single(update.New), StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_left_out_is_said_once_and_said_again_when_collected_again()
    {
        var log = new ScrapeProblemLog();
        var leftOut = new SkippedDatabase("billing", "the role may not CONNECT to it");

        var first = log.Update(Result([]) with { SkippedDatabases = [leftOut] });
        var second = log.Update(Result([]) with { SkippedDatabases = [leftOut] });
        var granted = log.Update(Result([]));

        Assert.Equal("database 'billing' left out of per-database queries: the role may not CONNECT to it", Assert.Single(first.New));
        Assert.Empty(second.New);
        Assert.Equal("database 'billing' is collected again", Assert.Single(granted.Resolved));
    }

    [Fact]
    public void A_server_condition_is_said_once_with_its_metrics_and_fix_and_said_again_only_when_it_changes()
    {
        var log = new ScrapeProblemLog();
        var hidden = new ServerCondition("role 'watcher' lacks pg_read_all_stats", ["postgresql.connection.count"], "not collected", "GRANT pg_monitor TO watcher");

        var first = log.Update(Result([]) with { Conditions = [hidden] });
        var second = log.Update(Result([]) with { Conditions = [hidden with { Metrics = ["postgresql.connection.count"] }] });
        var more = log.Update(Result([]) with { Conditions = [hidden with { Metrics = ["postgresql.connection.count", "postgresql.wal.lag"] }] });
        var granted = log.Update(Result([]));

        Assert.Equal("role 'watcher' lacks pg_read_all_stats; not collected: postgresql.connection.count. Fix: GRANT pg_monitor TO watcher", Assert.Single(first.New));
        Assert.Empty(second.New);
        Assert.Contains("postgresql.wal.lag", Assert.Single(more.New), StringComparison.Ordinal);
        Assert.Equal("no longer the case: role 'watcher' lacks pg_read_all_stats", Assert.Single(granted.Resolved));
    }
}
