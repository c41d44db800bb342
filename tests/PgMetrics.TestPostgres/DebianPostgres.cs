namespace PgMetrics.TestPostgres;

/// <summary>
/// Debian's own PostgreSQL 15 (apt package postgresql-15, which <c>./build.sh --target=Test</c> installs): a
/// server as users install it, with pg_basebackup, to cross-check the standbys <see cref="PostgresStandby"/>
/// makes with the low-level backup API against one made by <c>pg_basebackup -R</c>.
/// </summary>
public static class DebianPostgres
{
    /// <summary>The major version Debian 12 (bookworm) ships.</summary>
    public const int Major = 15;

    /// <summary>Where the package installs its binaries.</summary>
    public const string BinFolder = "/usr/lib/postgresql/15/bin";

    /// <summary>Whether the server and pg_basebackup are installed.</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(BinFolder, "postgres")) && File.Exists(Path.Combine(BinFolder, "pg_basebackup"));

    /// <summary>Starts a throwaway cluster from Debian's binaries, with the default settings and <paramref name="settings"/>.</summary>
    /// <exception cref="InvalidOperationException">The package is not installed, or the server did not start.</exception>
    public static Task<PostgresCluster> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken = default)
    {
        EnsureInstalled();
        return PostgresCluster.StartAsync(new PostgresClusterOptions(Major) { BinFolder = BinFolder, Settings = settings }, cancellationToken);
    }

    /// <summary>
    /// Starts a standby of <paramref name="upstream"/> (a cluster of Debian's binaries) made the way the
    /// PostgreSQL documentation and most users make one: <c>pg_basebackup -R -X stream</c>, which writes
    /// standby.signal and primary_conninfo itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">pg_basebackup failed, or the standby did not start.</exception>
    public static Task<PostgresCluster> StartBaseBackupStandbyAsync(PostgresCluster upstream, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken = default)
    {
        EnsureInstalled();
        var merged = new Dictionary<string, string>(upstream.Settings);
        foreach (var (name, value) in settings)
        {
            merged[name] = value;
        }

        return PostgresCluster.StartAsync(
            new PostgresClusterOptions(Major)
            {
                BinFolder = BinFolder,
                Settings = merged,
                CreateDataDirectory = async (data, bin, ct) =>
                {
                    var port = upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    var backup = ProcessRunner.Unprivileged(Path.Combine(bin, "pg_basebackup"), ["-h", "127.0.0.1", "-p", port, "-U", "postgres", "-D", data, "-R", "-X", "stream", "-c", "fast", "--no-sync"]);
                    var (exitCode, output) = await ProcessRunner.RunAsync(backup, ct);
                    if (exitCode != 0)
                    {
                        throw new InvalidOperationException($"pg_basebackup failed ({exitCode}): {output}");
                    }
                },
            },
            cancellationToken);
    }

    private static void EnsureInstalled()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"Debian's PostgreSQL {Major} is not installed in {BinFolder} (apt-get install postgresql-{Major}; ./build.sh --target=Test installs it).");
        }
    }
}
