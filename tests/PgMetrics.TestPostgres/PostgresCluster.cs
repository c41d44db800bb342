using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace PgMetrics.TestPostgres;

/// <summary>
/// A throwaway PostgreSQL cluster from the binaries the build installed: its own temp folder, a free
/// loopback port, a unix socket in the temp folder and pg_stat_statements preloaded. Disposing it
/// stops the server by its pid and deletes the folder; so does the end of the process.
/// </summary>
public sealed class PostgresCluster : IPostgresServer
{
    private static readonly ConcurrentDictionary<PostgresCluster, byte> Running = new();
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root;
    private Process _server;
    private StringBuilder _log;
    private int _stopped;

    static PostgresCluster()
    {
        // An aborted test run still stops what it started.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var cluster in Running.Keys)
            {
                cluster.Stop();
            }
        };
    }

    private PostgresCluster(int major, string binFolder, IReadOnlyDictionary<string, string> settings, int port, string root, Process server, StringBuilder log)
    {
        Major = major;
        BinFolder = binFolder;
        Settings = settings;
        Port = port;
        _root = root;
        _server = server;
        _log = log;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
        }.ConnectionString;
    }

    /// <summary>
    /// The settings every cluster starts with: fast and throwaway (no fsync), pg_stat_statements, and
    /// what the catalogue tests need to see every metric: function statistics, and archiving that
    /// always succeeds so pg_stat_archiver has a last archived WAL file.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>
    {
        ["listen_addresses"] = "127.0.0.1",
        ["shared_preload_libraries"] = "pg_stat_statements",
        ["fsync"] = "off",
        ["synchronous_commit"] = "off",
        ["full_page_writes"] = "off",
        ["max_connections"] = "100",
        ["track_functions"] = "all",
        ["archive_mode"] = "on",
        ["archive_command"] = "true",
    };

    /// <inheritdoc/>
    public int Major { get; }

    /// <summary>The folder of the binaries the server runs from.</summary>
    public string BinFolder { get; }

    /// <summary>The settings the server was started with (<see cref="DefaultSettings"/> and the options' own), without its port and socket folder.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The folder holding the server's unix socket.</summary>
    public string SocketDirectory => Path.Combine(_root, "socket");

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>The postmaster's process id, from postmaster.pid.</summary>
    public int ProcessId { get; private set; }

    /// <inheritdoc/>
    public string ConnectionString { get; }

    /// <inheritdoc/>
    public string Description => $"PostgreSQL {Major} (local binaries, 127.0.0.1:{Port})";

    /// <summary>Creates and starts a cluster of the given major version with the default settings.</summary>
    public static Task<PostgresCluster> StartAsync(int major, CancellationToken cancellationToken = default)
        => StartAsync(new PostgresClusterOptions(major), cancellationToken);

    /// <summary>Creates and starts a cluster as the options say.</summary>
    /// <exception cref="InvalidOperationException">The binaries are missing, initdb failed, or the server did not start.</exception>
    public static async Task<PostgresCluster> StartAsync(PostgresClusterOptions options, CancellationToken cancellationToken = default)
    {
        var major = options.Major;
        var bin = options.BinFolder ?? await PostgresInstall.BinFolderAsync(major, cancellationToken);
        var settings = new Dictionary<string, string>(DefaultSettings);
        foreach (var (name, value) in options.Settings)
        {
            settings[name] = value;
        }

        var root = Directory.CreateTempSubdirectory($"pgmetrics-pg{major}-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "socket"));
            await HandToPostgresUserAsync(root, cancellationToken);
            var data = Path.Combine(root, "data");
            if (options.CreateDataDirectory is { } create)
            {
                await create(data, bin, cancellationToken);
                await HandToPostgresUserAsync(root, cancellationToken);
            }
            else
            {
                var initdb = ProcessRunner.Unprivileged(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
                var (exitCode, output) = await ProcessRunner.RunAsync(initdb, cancellationToken);
                if (exitCode != 0)
                {
                    throw new InvalidOperationException($"initdb for PostgreSQL {major} failed ({exitCode}): {output}");
                }
            }

            // A port found free can be taken before the server binds it; then try another.
            for (var attempt = 1; ; attempt++)
            {
                var cluster = await TryStartAsync(major, bin, settings, root, FreePort(), cancellationToken);
                if (cluster is not null)
                {
                    return cluster;
                }

                if (attempt == 3)
                {
                    throw new InvalidOperationException($"PostgreSQL {major} could not bind a loopback port after {attempt} attempts.");
                }
            }
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <summary>When the tests run as root, the server runs as the postgres user, who must own its folder.</summary>
    private static async Task HandToPostgresUserAsync(string root, CancellationToken cancellationToken)
    {
        if (ProcessRunner.IsRoot)
        {
            await ProcessRunner.RunCheckedAsync("chown", ["-R", ProcessRunner.PostgresUser, root], cancellationToken);
        }
    }

    private static async Task<PostgresCluster?> TryStartAsync(int major, string bin, IReadOnlyDictionary<string, string> settings, string root, int port, CancellationToken cancellationToken)
    {
        var log = new StringBuilder();
        List<string> arguments =
        [
            "-D", Path.Combine(root, "data"),
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "unix_socket_directories=" + Path.Combine(root, "socket"),
        ];
        foreach (var (name, value) in settings)
        {
            arguments.AddRange(["-c", name + "=" + value]);
        }

        var start = ProcessRunner.Unprivileged(Path.Combine(bin, "postgres"), arguments);
        var server = Process.Start(start) ?? throw new InvalidOperationException("could not start postgres");
        server.OutputDataReceived += (_, e) => Append(log, e.Data);
        server.ErrorDataReceived += (_, e) => Append(log, e.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        var cluster = new PostgresCluster(major, bin, settings, port, root, server, log);
        Running[cluster] = 0;
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (server.HasExited)
            {
                Running.TryRemove(cluster, out _);
                var text = Snapshot(log);
                if (text.Contains("could not bind", StringComparison.OrdinalIgnoreCase) || text.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                throw new InvalidOperationException($"PostgreSQL {major} exited with code {server.ExitCode} while starting:\n{Tail(text)}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(cluster.ConnectionString + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(cancellationToken);
                cluster.ProcessId = int.Parse(File.ReadLines(Path.Combine(root, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
                return cluster;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or UnauthorizedAccessException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    cluster.Stop();
                    throw new InvalidOperationException($"PostgreSQL {major} did not accept connections within {ReadyTimeout.TotalSeconds} s:\n{Tail(Snapshot(log))}", ex);
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Stops the server with a fast shutdown (open sessions are terminated, as in an operator's restart),
    /// waits <paramref name="downtime"/> and starts it again on the same port with the same settings.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server did not stop, or did not start again.</exception>
    public async Task RestartAsync(TimeSpan downtime, CancellationToken cancellationToken = default)
    {
        if (NativeMethods.Kill(ProcessId, NativeMethods.SigInt) != 0 || !WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException($"PostgreSQL {Major} (pid {ProcessId}) did not stop for the restart.");
        }

        _server.WaitForExit(5000);
        _server.Dispose();
        await Task.Delay(downtime, cancellationToken);

        // The port stays ours: nothing else binds a port that was in use a moment ago, and a retry covers a race.
        for (var attempt = 1; ; attempt++)
        {
            var started = await TryStartAsync(Major, BinFolder, Settings, _root, Port, cancellationToken);
            if (started is not null)
            {
                Running.TryRemove(started, out _);
                _server = started._server;
                _log = started._log;
                ProcessId = started.ProcessId;
                return;
            }

            if (attempt == 5)
            {
                throw new InvalidOperationException($"PostgreSQL {Major} could not bind port {Port} again after a restart.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>Stops the server (fast shutdown, then SIGKILL after 10 s) and deletes its folder.</summary>
    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Running.TryRemove(this, out _);
        if (ProcessId > 0 && NativeMethods.Kill(ProcessId, NativeMethods.SigInt) == 0 && !WaitForExit(TimeSpan.FromSeconds(10)))
        {
            NativeMethods.Kill(ProcessId, NativeMethods.SigKill);
            WaitForExit(TimeSpan.FromSeconds(5));
        }

        if (!_server.HasExited)
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit(5000);
        }

        _server.Dispose();
        TryDelete(_root);
    }

    private bool WaitForExit(TimeSpan timeout)
    {
        // The postmaster is runuser's child, not ours, when running as root; runuser exits with it.
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (NativeMethods.Kill(ProcessId, 0) != 0)
            {
                _server.WaitForExit(1000);
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder we cannot remove must not fail a test; the OS cleans the temp folder eventually.
        }
    }
}
