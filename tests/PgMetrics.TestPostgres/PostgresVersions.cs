using Npgsql;

namespace PgMetrics.TestPostgres;

/// <summary>Which PostgreSQL major versions the tests run on.</summary>
public static class PostgresVersions
{
    /// <summary>Every major version the project supports.</summary>
    public static IReadOnlyList<int> Supported { get; } = [12, 13, 14, 15, 16, 17, 18];

    private static readonly Lazy<IReadOnlyList<int>> RequestedVersions = new(Resolve);

    /// <summary>
    /// PGMETRICS_PG_VERSIONS (e.g. "12,18") or all supported versions; with PGMETRICS_TEST_CONNECTION,
    /// the one version of that server.
    /// </summary>
    public static IReadOnlyList<int> Requested => RequestedVersions.Value;

    private static IReadOnlyList<int> Resolve()
    {
        if (Environment.GetEnvironmentVariable("PGMETRICS_TEST_CONNECTION") is { Length: > 0 } connectionString)
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int / 10000", connection);
            return [(int)command.ExecuteScalar()!];
        }

        var requested = Environment.GetEnvironmentVariable("PGMETRICS_PG_VERSIONS");
        if (string.IsNullOrWhiteSpace(requested))
        {
            return Supported;
        }

        var versions = new List<int>();
        foreach (var part in requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var major) || !Supported.Contains(major))
            {
                throw new InvalidOperationException($"PGMETRICS_PG_VERSIONS: '{part}' is not a supported major version ({string.Join(", ", Supported)}).");
            }

            versions.Add(major);
        }

        return versions;
    }
}
