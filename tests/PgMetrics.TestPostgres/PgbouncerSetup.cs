namespace PgMetrics.TestPostgres;

/// <summary>What a throwaway PgBouncer serves and how: its [databases] entries, users and pgbouncer.ini settings.</summary>
public sealed record PgbouncerSetup
{
    /// <summary>
    /// [databases] entries by PgBouncer database name, each a libpq-style connection string such as
    /// <c>host=127.0.0.1 port=5432 dbname=postgres</c>, optionally with <c>pool_size=2</c>. <c>*</c> is the fallback.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Databases { get; init; }

    /// <summary>Users and their plain-text passwords (auth_file); PgBouncer also logs in to PostgreSQL with these.</summary>
    public required IReadOnlyDictionary<string, string> Users { get; init; }

    /// <summary><c>session</c>, <c>transaction</c> or <c>statement</c>.</summary>
    public string PoolMode { get; init; } = "session";

    /// <summary>Server connections per (database, user) pool.</summary>
    public int DefaultPoolSize { get; init; } = 5;

    /// <summary>How clients prove who they are: <c>scram-sha-256</c>, <c>md5</c>, <c>plain</c> or <c>trust</c>.</summary>
    public string AuthType { get; init; } = "scram-sha-256";

    /// <summary>Users allowed every admin console command.</summary>
    public IReadOnlyList<string> AdminUsers { get; init; } = [];

    /// <summary>Users allowed the admin console's read-only SHOW commands.</summary>
    public IReadOnlyList<string> StatsUsers { get; init; } = [];

    /// <summary>More [pgbouncer] settings, e.g. <c>query_wait_timeout = 5</c>; they override the defaults written.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
