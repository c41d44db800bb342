using System.Collections.Concurrent;

namespace PgMetrics.TestPostgres;

/// <summary>
/// Starts each requested PostgreSQL version at most once and shares it across tests; stops what it
/// started when disposed. Chooses, in order: PGMETRICS_TEST_CONNECTION, a container where Docker
/// answers, a throwaway cluster from the installed binaries.
/// </summary>
public sealed class PostgresServerPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, Lazy<Task<IPostgresServer>>> _servers = new();
    private readonly Lazy<bool> _useContainers = new(ContainerServer.EngineAvailable);

    /// <summary>The server of the given major version, started on first use.</summary>
    public Task<IPostgresServer> GetAsync(int major, CancellationToken cancellationToken = default)
        => _servers.GetOrAdd(major, m => new Lazy<Task<IPostgresServer>>(() => StartAsync(m))).Value.WaitAsync(cancellationToken);

    private async Task<IPostgresServer> StartAsync(int major)
    {
        // Not the caller's token: the server is shared, and one test's cancellation must not break it for the rest.
        if (Environment.GetEnvironmentVariable("PGMETRICS_TEST_CONNECTION") is { Length: > 0 } connectionString)
        {
            var available = PostgresVersions.Requested.Single();
            if (available != major)
            {
                throw new InvalidOperationException($"PGMETRICS_TEST_CONNECTION points at PostgreSQL {available}, not {major}.");
            }

            return new ExistingServer(major, connectionString);
        }

        return _useContainers.Value
            ? await ContainerServer.StartAsync(major, CancellationToken.None)
            : await PostgresCluster.StartAsync(major, CancellationToken.None);
    }

    /// <summary>Stops every server this pool started.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated))
        {
            try
            {
                await (await server.Value).DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // A server that failed to start has nothing to stop.
            }
        }
    }
}
