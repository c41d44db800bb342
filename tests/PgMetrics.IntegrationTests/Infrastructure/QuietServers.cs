using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// A server of each version for one test class alone, started on first use: for tests whose oracle is the whole
/// server's activity in an interval (the live view's top statements), which other classes' tests running beside
/// them on a shared server would change, or whose server must answer promptly (before PostgreSQL 15 one statistics
/// collector process serves the whole server, and other classes' thousands of tables can keep its file stale for
/// longer than a test waits for a reset to show).
/// </summary>
public sealed class QuietServers : IAsyncDisposable
{
    private readonly PostgresServerPool _pool = new();

    /// <summary>This class's server of the given major version.</summary>
    public Task<IPostgresServer> GetAsync(int major, CancellationToken cancellationToken) => _pool.GetAsync(major, cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
