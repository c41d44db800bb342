namespace PgMetrics.TestPostgres;

/// <summary>
/// How to start a <see cref="PostgresCluster"/>: which binaries, which server settings beyond the
/// defaults, and how its data directory comes to be (initdb, or a copy of another server's for a standby).
/// </summary>
/// <param name="Major">The major version, e.g. 17.</param>
public sealed record PostgresClusterOptions(int Major)
{
    /// <summary>The folder of <c>postgres</c> and <c>initdb</c>; null for the binaries the build installed under <c>.postgres/</c>.</summary>
    public string? BinFolder { get; init; }

    /// <summary>Server settings passed as <c>-c name=value</c>, added to or replacing <see cref="PostgresCluster.DefaultSettings"/>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Fills the (not yet existing) data directory, given its path and the resolved bin folder; null runs
    /// initdb. Runs as the test process; when that is root, the cluster's folder is handed to the
    /// postgres user afterwards.
    /// </summary>
    public Func<string, string, CancellationToken, Task>? CreateDataDirectory { get; init; }
}
