using Npgsql;

namespace PgMetrics.TestPostgres;

/// <summary>
/// A base backup of a running server taken with PostgreSQL's low-level API ("Making a Base Backup Using
/// the Low Level API"), because the embedded server packages have no pg_basebackup: in one session,
/// start a non-exclusive backup (pg_backup_start, pg_start_backup before 15), copy the data directory
/// without the files pg_basebackup leaves out, stop the backup (pg_backup_stop, pg_stop_backup before
/// 15) and write the label it returns as backup_label. The copy has no WAL; the standby made from it
/// streams the WAL from the backup's start onwards. Works on a primary and on a standby alike.
/// </summary>
internal static class LowLevelBaseBackup
{
    /// <summary>Folders whose contents are runtime state, not data: copied empty (as pg_basebackup does).</summary>
    private static readonly HashSet<string> EmptiedFolders = new(StringComparer.Ordinal)
    {
        "pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans",
    };

    /// <summary>Files of the running server that must not be in a backup.</summary>
    private static readonly HashSet<string> ExcludedFiles = new(StringComparer.Ordinal)
    {
        "postmaster.pid", "postmaster.opts", "current_logfiles", "postgresql.auto.conf.tmp", "backup_label", "tablespace_map",
    };

    /// <summary>Copies the data directory of <paramref name="source"/> into <paramref name="targetDataDirectory"/>, which must not exist yet.</summary>
    /// <exception cref="PostgresException">The server refused to start or stop the backup.</exception>
    public static async Task TakeAsync(PostgresCluster source, string targetDataDirectory, CancellationToken cancellationToken)
    {
        // A non-exclusive backup belongs to the session that started it; the pool must not swap it.
        await using var connection = new NpgsqlConnection(source.ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        var label = "pgmetrics-" + Guid.NewGuid().ToString("N")[..8];
        var start = source.Major >= 15
            ? "SELECT pg_backup_start(@label, fast => true)"
            : "SELECT pg_start_backup(@label, fast => true, exclusive => false)";
        await using (var command = new NpgsqlCommand(start, connection))
        {
            command.Parameters.AddWithValue("label", label);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        string labelFile, tablespaceMap;
        try
        {
            CopyFolder(source.DataDirectory, targetDataDirectory, isDataDirectory: true);
        }
        finally
        {
            var stop = source.Major >= 15
                ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(wait_for_archive => false)"
                : "SELECT labelfile, spcmapfile FROM pg_stop_backup(exclusive => false, wait_for_archive => false)";
            await using var command = new NpgsqlCommand(stop, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            labelFile = reader.GetString(0);
            tablespaceMap = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
        }

        await File.WriteAllTextAsync(Path.Combine(targetDataDirectory, "backup_label"), labelFile, cancellationToken);
        if (tablespaceMap.Length > 0)
        {
            await File.WriteAllTextAsync(Path.Combine(targetDataDirectory, "tablespace_map"), tablespaceMap, cancellationToken);
        }
    }

    private static void CopyFolder(string source, string target, bool isDataDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The test clusters run on Linux and macOS only.");
        }

        // PostgreSQL refuses a data directory that others may read or write.
        Directory.CreateDirectory(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(target, entry.Name);
            if (entry.Name.StartsWith("pgsql_tmp", StringComparison.Ordinal) || entry.Name.StartsWith("pg_internal.init", StringComparison.Ordinal))
            {
                continue;
            }

            if (entry is DirectoryInfo folder)
            {
                if (isDataDirectory && EmptiedFolders.Contains(entry.Name))
                {
                    Directory.CreateDirectory(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    continue;
                }

                CopyFolder(folder.FullName, destination, isDataDirectory: false);
            }
            else if (!(isDataDirectory && ExcludedFiles.Contains(entry.Name)))
            {
                try
                {
                    File.Copy(entry.FullName, destination);
                    File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    // Removed by the server while we copied (a dropped relation, a temporary file): the WAL replay agrees.
                }
            }
        }

        if (isDataDirectory)
        {
            Directory.CreateDirectory(Path.Combine(target, "pg_wal", "archive_status"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
