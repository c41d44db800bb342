namespace PgMetrics.TestPostgres;

/// <summary>
/// Where the binaries of a major version can be run from. When the tests run as root, the server
/// runs as the postgres user, who may not be able to reach a repository under /root; then the
/// install is copied once to a world-readable temp folder and run from there.
/// </summary>
internal static class PostgresInstall
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<int, string> Resolved = [];

    public static async Task<string> BinFolderAsync(int major, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (Resolved.TryGetValue(major, out var known))
            {
                return known;
            }

            var bin = RepositoryPaths.PostgresBin(major);
            if (ProcessRunner.IsRoot && !await UnprivilegedCanRunAsync(bin, cancellationToken))
            {
                var native = Path.GetDirectoryName(bin)!;
                var copy = Path.Combine(Path.GetTempPath(), $"pgmetrics-postgres-{major}-{File.GetLastWriteTimeUtc(Path.Combine(bin, "postgres")).Ticks}");
                if (!File.Exists(Path.Combine(copy, "bin", "postgres")))
                {
                    var staging = copy + ".partial-" + Environment.ProcessId;
                    await ProcessRunner.RunCheckedAsync("cp", ["-a", native, staging], cancellationToken);
                    await ProcessRunner.RunCheckedAsync("chmod", ["-R", "a+rX", staging], cancellationToken);
                    Directory.Move(staging, copy);
                }

                bin = Path.Combine(copy, "bin");
            }

            Resolved[major] = bin;
            return bin;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<bool> UnprivilegedCanRunAsync(string bin, CancellationToken cancellationToken)
    {
        var (exitCode, _) = await ProcessRunner.RunAsync(ProcessRunner.Unprivileged("test", ["-x", Path.Combine(bin, "postgres"), "-a", "-r", Path.Combine(bin, "..", "share", "postgresql", "postgresql.conf.sample")]), cancellationToken);
        return exitCode == 0;
    }
}
