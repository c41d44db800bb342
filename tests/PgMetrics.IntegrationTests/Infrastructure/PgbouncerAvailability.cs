using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// PgBouncer tests need Debian's pgbouncer and psql. Where they are missing the tests skip and say why,
/// except in CI (CI=true), where the build installs them and a missing one is a failure, not a skip.
/// </summary>
public static class PgbouncerAvailability
{
    public static void Require()
    {
        if (PgbouncerProcess.Unavailable is not { } reason)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
    }
}
