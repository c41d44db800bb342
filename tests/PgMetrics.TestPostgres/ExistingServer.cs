namespace PgMetrics.TestPostgres;

/// <summary>A server named by PGMETRICS_TEST_CONNECTION; tests use it and leave it running.</summary>
internal sealed class ExistingServer(int major, string connectionString) : IPostgresServer
{
    public int Major { get; } = major;

    public string ConnectionString { get; } = connectionString;

    public string Description => $"PostgreSQL {Major} (PGMETRICS_TEST_CONNECTION)";

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
