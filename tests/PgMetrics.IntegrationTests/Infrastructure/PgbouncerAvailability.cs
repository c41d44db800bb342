using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// PgBouncer tests need Debian's pgbouncer and psql, which <c>./build.sh --target=Test</c> installs. Where they
/// are missing the tests fail and say what to install: a skip would let a run pass without them.
/// </summary>
public static class PgbouncerAvailability
{
    public static void Require()
    {
        if (PgbouncerProcess.Unavailable is { } reason)
        {
            Assert.Fail(reason);
        }
    }
}
