using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Tests;

public sealed class DatabaseSelectionTests
{
    private static readonly string[] Available = ["billing", "postgres", "shop"];

    [Fact]
    public void Empty_include_means_every_database_less_the_excluded() =>
        Assert.Equal(["billing", "shop"], DatabaseSelection.Select(Available, [], ["postgres"]));

    [Fact]
    public void Include_picks_databases_that_exist_and_exclude_wins() =>
        Assert.Equal(["shop"], DatabaseSelection.Select(Available, ["shop", "billing", "missing"], ["billing"]));
}
