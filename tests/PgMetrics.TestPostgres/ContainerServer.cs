using Testcontainers.PostgreSql;

namespace PgMetrics.TestPostgres;

/// <summary>A PostgreSQL container, used where a Docker engine answers.</summary>
internal sealed class ContainerServer : IPostgresServer
{
    private readonly PostgreSqlContainer _container;

    private ContainerServer(int major, PostgreSqlContainer container)
    {
        Major = major;
        _container = container;
    }

    public int Major { get; }

    public string ConnectionString => _container.GetConnectionString();

    public string Description => $"PostgreSQL {Major} (container postgres:{Major})";

    /// <summary>Whether a Docker engine is reachable here.</summary>
    public static bool EngineAvailable()
    {
        var socket = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host && host.StartsWith("unix://", StringComparison.Ordinal)
            ? host["unix://".Length..]
            : "/var/run/docker.sock";
        if (!File.Exists(socket))
        {
            return false;
        }

        try
        {
            using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            client.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public static async Task<ContainerServer> StartAsync(int major, CancellationToken cancellationToken)
    {
        var container = new PostgreSqlBuilder($"postgres:{major}")
            .WithUsername("postgres")
            .WithPassword("postgres")
            .WithDatabase("postgres")
            .WithCommand("-c", "shared_preload_libraries=pg_stat_statements")
            .Build();
        await container.StartAsync(cancellationToken);
        return new ContainerServer(major, container);
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
