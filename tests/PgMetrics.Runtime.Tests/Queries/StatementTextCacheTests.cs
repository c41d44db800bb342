using PgMetrics.Runtime.Queries;

namespace PgMetrics.Runtime.Tests.Queries;

public sealed class StatementTextCacheTests
{
    private static readonly StatementKey First = new("1", "shop", "app");
    private static readonly StatementKey Second = new("2", "shop", "app");
    private static readonly StatementKey Third = new("3", "shop", "app");

    [Fact]
    public void A_text_is_forgotten_with_its_entry()
    {
        var cache = new StatementTextCache(10);
        cache.BeginCollection();
        cache.Add(First, "SELECT $1");
        cache.Add(Second, "SELECT $1, $2");
        cache.EndCollection(key => key != Second);

        Assert.True(cache.TryGet(First, out var text));
        Assert.Equal("SELECT $1", text);
        Assert.False(cache.TryGet(Second, out _));
    }

    [Fact]
    public void Past_its_capacity_the_texts_needed_least_recently_go_first()
    {
        var cache = new StatementTextCache(2);
        cache.BeginCollection();
        cache.Add(First, "a");
        cache.Add(Second, "b");
        cache.EndCollection(_ => true);

        cache.BeginCollection();
        Assert.True(cache.TryGet(First, out _));
        cache.Add(Third, "c");
        cache.EndCollection(_ => true);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(First, out _));
        Assert.True(cache.TryGet(Third, out _));
        Assert.False(cache.TryGet(Second, out _));
    }

    [Fact]
    public void The_collectors_own_statement_is_remembered_without_its_text()
    {
        var cache = new StatementTextCache(10);
        cache.BeginCollection();
        cache.Add(First, "SELECT datname FROM pg_stat_database\n/* pgmetrics */");
        cache.Add(Second, "SELECT 1 /* pgmetrics */ FROM t");

        Assert.True(cache.IsCollectorOwn(First));
        Assert.False(cache.TryGet(First, out _));
        Assert.False(cache.IsCollectorOwn(Second));
        Assert.DoesNotContain(cache.ByDatabaseAndQueryId(), t => t.Key.QueryId == "1");
        Assert.Equal("SELECT 1 /* pgmetrics */ FROM t", cache.ByDatabaseAndQueryId()[("shop", "2")]);
    }

    [Fact]
    public void The_collectors_own_statements_do_not_count_against_the_capacity()
    {
        var cache = new StatementTextCache(1);
        cache.BeginCollection();
        cache.Add(First, "SELECT 1\n/* pgmetrics */");
        cache.Add(Second, "SELECT 2\n/* pgmetrics */");
        cache.Add(Third, "SELECT $1");
        cache.EndCollection(_ => true);

        Assert.True(cache.IsCollectorOwn(First));
        Assert.True(cache.IsCollectorOwn(Second));
        Assert.True(cache.TryGet(Third, out _));
    }
}
