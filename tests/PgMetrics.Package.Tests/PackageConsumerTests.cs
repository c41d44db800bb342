using Npgsql;
using PgMetrics.TestPostgres;

namespace PgMetrics.Package.Tests;

/// <summary>
/// What a .NET developer does: reference the package, write a metadata.yaml, build, scrape a real
/// PostgreSQL with the generated code, then edit metadata.yaml and see the generated API change.
/// </summary>
public sealed class PackageConsumerTests : IAsyncLifetime
{
    private const string Metadata = """
        type: shop
        metrics:
          shop.orders:
            enabled: true
            description: Orders placed.
            unit: "{order}"
            gauge: {value_type: int}
            source: {query: order_totals, column: orders}
          shop.revenue:
            enabled: true
            description: Revenue of all orders, in cents.
            unit: "{cent}"
            gauge: {value_type: int}
            source: {query: order_totals, column: revenue_cents}
        queries:
          order_totals:
            sql: SELECT count(*) AS orders, coalesce(sum(amount_cents), 0)::bigint AS revenue_cents FROM shop_orders
            columns:
              orders: {type: int}
              revenue_cents: {type: int}
        """;

    private const string Program = """
        using PgMetrics.Runtime.Metrics;
        using PgMetrics.Runtime.Scraping;
        using ShopApp.Metadata;

        var metrics = new ShopMetricSet();
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = args[0] }, metrics);
        var result = await scraper.ScrapeAsync(CancellationToken.None);
        foreach (var error in result.Errors)
        {
            Console.WriteLine("error: " + error);
        }

        foreach (var point in result.Metrics.Points)
        {
            Console.WriteLine($"{point.Metric.Name}={point.IntValue}");
        }

        // The typed API generated from metadata.yaml:
        new ShopMetricsBuilder(metrics.Config, new MetricsBuffer()).RecordShopOrdersDataPoint(UnixTime.NowNanoseconds(), 0);
        """;

    private readonly PostgresServerPool _servers = new();
    private string _connectionString = string.Empty;
    private string _database = string.Empty;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var server = await _servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        _database = "shop_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE {_database}");
        _connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = _database }.ConnectionString;
        await ExecuteAsync(_connectionString, "CREATE TABLE shop_orders (id int, amount_cents bigint); INSERT INTO shop_orders VALUES (1, 1250), (2, 999), (3, 5000)");
    }

    public async ValueTask DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task A_fresh_app_scrapes_its_own_metrics_and_an_edit_of_metadata_yaml_changes_the_generated_api()
    {
        using var app = new ConsumerApp();
        app.Write("metadata.yaml", Metadata);
        app.Write("Program.cs", Program);

        var build = await app.BuildAsync(Cancel);
        Assert.True(build.ExitCode == 0, build.Output);
        var run = await app.RunAsync(_connectionString, Cancel);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("shop.orders=3", run.Output, StringComparison.Ordinal);
        Assert.Contains("shop.revenue=7249", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("error:", run.Output, StringComparison.Ordinal);

        // Renaming the metric removes the old method: the unchanged program no longer compiles.
        app.Write("metadata.yaml", Metadata.Replace("shop.orders:", "shop.order_count:", StringComparison.Ordinal));
        var stale = await app.BuildAsync(Cancel);
        Assert.NotEqual(0, stale.ExitCode);
        Assert.Contains("RecordShopOrdersDataPoint", stale.Output, StringComparison.Ordinal);

        app.Write("Program.cs", Program.Replace("RecordShopOrdersDataPoint", "RecordShopOrderCountDataPoint", StringComparison.Ordinal));
        var rebuilt = await app.BuildAsync(Cancel);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Output);
        var rerun = await app.RunAsync(_connectionString, Cancel);
        Assert.Contains("shop.order_count=3", rerun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistake_in_the_apps_metadata_yaml_is_a_build_error_with_its_position()
    {
        using var app = new ConsumerApp();
        app.Write("metadata.yaml", Metadata.Replace("source: {query: order_totals, column: revenue_cents}", "source: {query: order_totals, column: revenue}", StringComparison.Ordinal));
        app.Write("Program.cs", "Console.WriteLine();");

        var build = await app.BuildAsync(Cancel);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("metadata.yaml(14,43)", build.Output, StringComparison.Ordinal);
        Assert.Contains("PGM007", build.Output, StringComparison.Ordinal);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }
}
