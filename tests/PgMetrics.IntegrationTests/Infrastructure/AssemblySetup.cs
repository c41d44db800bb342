using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestPostgres;

// One pool for the whole run: each PostgreSQL version starts once and is shared by every test.
[assembly: AssemblyFixture(typeof(PostgresServerPool))]

// Likewise each version's primary with its standby and cascading standby, built on first use.
[assembly: AssemblyFixture(typeof(ReplicationClusters))]

// The chaos scenarios' figures, written to bench/results/ when the run ends.
[assembly: AssemblyFixture(typeof(PgMetrics.IntegrationTests.Chaos.ChaosReport))]
