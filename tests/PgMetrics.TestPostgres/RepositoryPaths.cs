namespace PgMetrics.TestPostgres;

/// <summary>Finds the repository and the PostgreSQL binaries the build installed there.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root: the first folder above the running code that holds PgMetrics.slnx.</summary>
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PgMetrics.slnx")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("PgMetrics.slnx was not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The <c>bin</c> folder of PostgreSQL <paramref name="major"/>: under PGMETRICS_PG_ROOT, else the repo's <c>.postgres/</c>.</summary>
    public static string PostgresBin(int major)
    {
        var root = Environment.GetEnvironmentVariable("PGMETRICS_PG_ROOT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Root, ".postgres");
        var bin = Path.Combine(root, "node_modules", "pg" + major, "native", "bin");
        if (!File.Exists(Path.Combine(bin, "postgres")))
        {
            throw new InvalidOperationException($"PostgreSQL {major} binaries were not found in {bin}. Run ./build.sh --target=Postgres to install them.");
        }

        return bin;
    }
}
