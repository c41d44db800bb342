using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>The PostgreSQL major versions tests run on: 12 to 18, or those PGMETRICS_PG_VERSIONS picks.</summary>
public static class ServerVersions
{
    public static TheoryData<int> All => new(PostgresVersions.Requested);
}
