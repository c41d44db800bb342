using Npgsql;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>A scraper of one server of a topology with the default metrics, and scrapes that wait for a condition.</summary>
public sealed class TopologyScraper : IAsyncDisposable
{
    private readonly PostgresScraper _scraper;
    private readonly int _port;

    /// <summary>Scrapes <paramref name="server"/> as its superuser; <paramref name="databases"/> default to postgres.</summary>
    public TopologyScraper(PostgresCluster server, params string[] databases)
        : this(server.ConnectionString, server.Port, databases)
    {
    }

    private TopologyScraper(string connectionString, int port, string[] databases)
    {
        _port = port;
        _scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = connectionString, Databases = databases.Length > 0 ? databases : ["postgres"] },
            new PostgresqlMetricSet());
    }

    /// <summary>Scrapes <paramref name="server"/> as <paramref name="role"/>, which the server must know (on a standby: replayed from its primary).</summary>
    public static TopologyScraper AsRole(PostgresCluster server, MonitoringRole role, params string[] databases)
        => new(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = role.Name }.ConnectionString, server.Port, databases);

    public Task<CollectedPoints> ScrapeAsync(CancellationToken cancellationToken) => CollectedPoints.ScrapeAsync(_scraper, cancellationToken);

    /// <summary>Scrapes until <paramref name="ready"/> holds for a scrape without errors; see <see cref="Poll"/>.</summary>
    public Task<CollectedPoints> ScrapeUntilAsync(Func<CollectedPoints, bool> ready, string condition, CancellationToken cancellationToken)
        => Poll.UntilAsync(() => ScrapeAsync(cancellationToken), s => s.Result.Errors.Count == 0 && ready(s), $"{condition} (port {_port})", cancellationToken, s => s.ToString());

    public ValueTask DisposeAsync() => _scraper.DisposeAsync();
}
