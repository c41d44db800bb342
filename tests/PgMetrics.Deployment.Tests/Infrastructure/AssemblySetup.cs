using PgMetrics.Deployment.Tests.Infrastructure;
using PgMetrics.TestPostgres;

// One PostgreSQL server pool and one unpacked image for the whole run.
[assembly: AssemblyFixture(typeof(PostgresServerPool))]
[assembly: AssemblyFixture(typeof(ImageRoot))]

// The image, chroot and the Kubernetes tools are Linux x64 things.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
