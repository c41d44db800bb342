using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Tests.Scraping;

/// <summary>How a database's per-database queries of the built-in catalogue are shared out between two connections.</summary>
public sealed class QueryLanesTests
{
    private const int PostgreSql18 = 180000;

    private static readonly IReadOnlyList<MetricQuery> PerDatabase =
        [.. new PostgresqlMetricSet().Queries.Where(q => q.Scope == QueryScope.PerDatabase && q.IsNeeded)];

    private static string[] Names(IReadOnlyList<MetricQuery> lane) => [.. lane.Select(q => q.Name)];

    private static void AssertEveryQueryOnceInCatalogueOrder(IReadOnlyList<IReadOnlyList<MetricQuery>> lanes)
    {
        Assert.Equal(Names(PerDatabase).Order(), lanes.SelectMany(Names).Order());
        foreach (var lane in lanes)
        {
            Assert.Equal(Names(PerDatabase).Where(Names(lane).Contains), Names(lane));
        }
    }

    [Fact]
    public void Before_anything_ran_the_per_relation_queries_are_shared_out_so_tables_and_indexes_run_side_by_side()
    {
        var lanes = new QueryLanes().Plan("shop", PerDatabase, PostgreSql18, laneCount: 2);

        Assert.Equal(2, lanes.Count);
        AssertEveryQueryOnceInCatalogueOrder(lanes);
        Assert.NotEqual(lanes.Single(l => Names(l).Contains("table_stats")), lanes.Single(l => Names(l).Contains("index_stats")));
    }

    [Fact]
    public void With_the_last_scrape_s_durations_the_longest_query_gets_a_lane_and_the_rest_share_the_other()
    {
        var lanes = new QueryLanes();
        foreach (var query in PerDatabase)
        {
            lanes.Record("shop", query.Name, TimeSpan.FromMilliseconds(2));
        }

        lanes.Record("shop", "table_stats", TimeSpan.FromMilliseconds(400));
        lanes.Record("shop", "index_stats", TimeSpan.FromMilliseconds(200));
        lanes.Record("shop", "table_count", TimeSpan.FromMilliseconds(150));

        var plan = lanes.Plan("shop", PerDatabase, PostgreSql18, laneCount: 2);

        AssertEveryQueryOnceInCatalogueOrder(plan);
        Assert.Equal(["table_stats"], Names(plan[0]).Where(n => n.EndsWith("_stats", StringComparison.Ordinal)));
        Assert.Contains("index_stats", Names(plan[1]));
        Assert.Contains("table_count", Names(plan[1]));
    }

    [Fact]
    public void A_database_whose_queries_are_quick_keeps_to_one_connection()
    {
        var lanes = new QueryLanes();
        foreach (var query in PerDatabase)
        {
            lanes.Record("shop", query.Name, TimeSpan.FromMilliseconds(5));
        }

        Assert.Single(lanes.Plan("shop", PerDatabase, PostgreSql18, laneCount: 2));
        // Another database has no durations yet, so its first plan still splits.
        Assert.Equal(2, lanes.Plan("archive", PerDatabase, PostgreSql18, laneCount: 2).Count);
    }

    [Fact]
    public void One_connection_per_database_means_one_lane()
    {
        var plan = new QueryLanes().Plan("shop", PerDatabase, PostgreSql18, laneCount: 1);

        Assert.Equal(Names(PerDatabase), Names(Assert.Single(plan)));
    }

    [Fact]
    public void The_durations_of_databases_no_longer_collected_are_forgotten()
    {
        var lanes = new QueryLanes();
        lanes.Record("shop", "table_stats", TimeSpan.FromMilliseconds(300));
        lanes.Record("dropped", "table_stats", TimeSpan.FromMilliseconds(300));

        lanes.RetainOnly(["shop"]);

        Assert.Equal(["shop"], lanes.Databases);
    }
}
