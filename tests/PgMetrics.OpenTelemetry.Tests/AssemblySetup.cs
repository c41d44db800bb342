using PgMetrics.TestPostgres;

// One pool for the whole run: each PostgreSQL version starts once and is shared by every test.
[assembly: AssemblyFixture(typeof(PostgresServerPool))]
