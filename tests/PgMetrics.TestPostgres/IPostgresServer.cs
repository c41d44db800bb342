namespace PgMetrics.TestPostgres;

/// <summary>A PostgreSQL server tests can use: a throwaway cluster, a container, or a server named by the environment.</summary>
public interface IPostgresServer : IAsyncDisposable
{
    /// <summary>The major version, e.g. 17.</summary>
    int Major { get; }

    /// <summary>A superuser connection string over TCP on loopback, to the <c>postgres</c> database.</summary>
    string ConnectionString { get; }

    /// <summary>What the server is, for test output.</summary>
    string Description { get; }
}
