using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace PgMetrics.TestPostgres;

/// <summary>
/// A throwaway PgBouncer (Debian's <c>pgbouncer</c> package) with its own pgbouncer.ini and auth_file in a
/// temp folder, on a free loopback port, run as the unprivileged postgres user when the tests run as root
/// (PgBouncer refuses root). Disposing it stops the process by its pid and deletes the folder; so does the
/// end of the test process. <see cref="ShowAsync"/> reads the admin console with <c>psql</c>, a client
/// independent of PgMetrics, so tests can compare what the receiver reports with PgBouncer's own answer.
/// </summary>
public sealed class PgbouncerProcess : IAsyncDisposable
{
    private const string PgbouncerBinary = "/usr/sbin/pgbouncer";
    private const string PsqlBinary = "/usr/bin/psql";
    private static readonly ConcurrentDictionary<PgbouncerProcess, byte> Running = new();

    private readonly string _root;
    private readonly Process _process;
    private readonly StringBuilder _output;
    private int _stopped;

    static PgbouncerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var pgbouncer in Running.Keys)
            {
                pgbouncer.Stop();
            }
        };
    }

    private PgbouncerProcess(string root, int port, Process process, StringBuilder output, PgbouncerSetup setup)
    {
        _root = root;
        Port = port;
        _process = process;
        _output = output;
        Setup = setup;
    }

    /// <summary>Why PgBouncer tests cannot run here (pgbouncer or psql missing), or null when they can.</summary>
    public static string? Unavailable => !File.Exists(PgbouncerBinary)
        ? $"{PgbouncerBinary} is not installed (apt-get install pgbouncer; ./build.sh --target=Test installs it)"
        : !File.Exists(PsqlBinary) ? $"{PsqlBinary} is not installed (apt-get install postgresql-client)" : null;

    /// <summary>The loopback port PgBouncer listens on.</summary>
    public int Port { get; }

    /// <summary>The setup it was started with.</summary>
    public PgbouncerSetup Setup { get; }

    /// <summary>The folder holding pgbouncer.ini, the auth file and the log.</summary>
    public string Folder => _root;

    /// <summary>The PgBouncer log so far.</summary>
    public string Log => File.Exists(Path.Combine(_root, "pgbouncer.log")) ? File.ReadAllText(Path.Combine(_root, "pgbouncer.log")) : Snapshot();

    /// <summary>
    /// A [databases] entry for a database of <paramref name="server"/> (null: the client's database name, for
    /// the <c>*</c> fallback), with its own pool size when given.
    /// </summary>
    public static string Target(IPostgresServer server, string? database, int? poolSize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        var entry = $"host={builder.Host} port={builder.Port}" + (database is null ? string.Empty : " dbname=" + database);
        return poolSize is { } size ? entry + " pool_size=" + size.ToString(CultureInfo.InvariantCulture) : entry;
    }

    /// <summary>The password <paramref name="server"/>'s superuser logs in with, or a made-up one for a trust server.</summary>
    public static string SuperuserPassword(IPostgresServer server)
        => new NpgsqlConnectionStringBuilder(server.ConnectionString).Password is { Length: > 0 } password ? password : "pgbouncer-test";

    /// <summary>An Npgsql connection string to a database through this PgBouncer, by default without Npgsql's own pooling.</summary>
    public string ConnectionString(string database, string user, bool pooling = false)
        => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = user,
            Password = Setup.Users.TryGetValue(user, out var password) ? password : null,
            Pooling = pooling,
        }.ConnectionString;

    /// <summary>Starts PgBouncer with <paramref name="setup"/>; fails with its log when it does not come up.</summary>
    public static async Task<PgbouncerProcess> StartAsync(PgbouncerSetup setup, CancellationToken cancellationToken = default)
    {
        if (Unavailable is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var root = Directory.CreateTempSubdirectory("pgmetrics-pgbouncer-").FullName;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                WriteConfig(root, port, setup);
                if (ProcessRunner.IsRoot)
                {
                    await ProcessRunner.RunCheckedAsync("chown", ["-R", ProcessRunner.PostgresUser, root], cancellationToken);
                }

                var started = await TryStartAsync(root, port, setup, cancellationToken);
                if (started is not null)
                {
                    return started;
                }

                if (attempt == 3)
                {
                    throw new InvalidOperationException($"PgBouncer could not bind a loopback port after {attempt} attempts.");
                }
            }
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <summary>
    /// Runs a SHOW command on the admin console with psql and returns its rows, each column by name
    /// (NULL as null). The user must be one of <see cref="PgbouncerSetup.AdminUsers"/> or <see cref="PgbouncerSetup.StatsUsers"/>.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> ShowAsync(string command, string user, CancellationToken cancellationToken = default)
    {
        const string Null = "\u0001null\u0001";
        var start = new ProcessStartInfo(PsqlBinary);
        foreach (var argument in new[] { "-X", "-A", "-F", "\t", "-P", "footer=off", "-P", "null=" + Null, "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "pgbouncer", "-c", command })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = Setup.Users[user];
        start.Environment["PGCONNECT_TIMEOUT"] = "5";
        var (exitCode, output) = await ProcessRunner.RunAsync(start, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"psql {command} failed ({exitCode}): {output}");
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split('\t');
        return lines.Skip(1)
            .Select(line => line.Split('\t'))
            .Where(cells => cells.Length == header.Length)
            .Select(cells => (IReadOnlyDictionary<string, string?>)header.Select((name, i) => (name, value: cells[i] == Null ? null : cells[i])).ToDictionary(c => c.name, c => c.value))
            .ToList();
    }

    /// <summary>Stops PgBouncer (SIGTERM, then SIGKILL after 2 s) and deletes its folder.</summary>
    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private static void WriteConfig(string root, int port, PgbouncerSetup setup)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addr"] = "127.0.0.1",
            ["listen_port"] = port.ToString(CultureInfo.InvariantCulture),
            ["unix_socket_dir"] = string.Empty,
            ["auth_type"] = setup.AuthType,
            ["auth_file"] = Path.Combine(root, "userlist.txt"),
            ["admin_users"] = string.Join(", ", setup.AdminUsers),
            ["stats_users"] = string.Join(", ", setup.StatsUsers),
            ["pool_mode"] = setup.PoolMode,
            ["default_pool_size"] = setup.DefaultPoolSize.ToString(CultureInfo.InvariantCulture),
            ["max_client_conn"] = "200",
            ["logfile"] = Path.Combine(root, "pgbouncer.log"),
            ["pidfile"] = Path.Combine(root, "pgbouncer.pid"),
        };
        foreach (var (key, value) in setup.Settings)
        {
            settings[key] = value;
        }

        var ini = new StringBuilder("[databases]\n");
        foreach (var (name, target) in setup.Databases)
        {
            ini.Append(name).Append(" = ").Append(target).Append('\n');
        }

        ini.Append("\n[pgbouncer]\n");
        foreach (var (key, value) in settings)
        {
            ini.Append(key).Append(" = ").Append(value).Append('\n');
        }

        File.WriteAllText(Path.Combine(root, "pgbouncer.ini"), ini.ToString());
        File.WriteAllText(Path.Combine(root, "userlist.txt"), string.Concat(setup.Users.Select(u => $"\"{u.Key}\" \"{u.Value}\"\n")));
        File.Delete(Path.Combine(root, "pgbouncer.log"));
    }

    private static async Task<PgbouncerProcess?> TryStartAsync(string root, int port, PgbouncerSetup setup, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var process = Process.Start(ProcessRunner.Unprivileged(PgbouncerBinary, [Path.Combine(root, "pgbouncer.ini")])) ?? throw new InvalidOperationException("could not start pgbouncer");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var pgbouncer = new PgbouncerProcess(root, port, process, output, setup);
        Running[pgbouncer] = 0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                Running.TryRemove(pgbouncer, out _);
                var log = pgbouncer.Log;
                if (log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                throw new InvalidOperationException($"PgBouncer exited with code {process.ExitCode} while starting:\n{log}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return pgbouncer;
            }
            catch (SocketException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    pgbouncer.Stop();
                    throw new InvalidOperationException($"PgBouncer did not listen on {port} within 20 s:\n{pgbouncer.Log}");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Running.TryRemove(this, out _);

        // pgbouncer is runuser's child, not ours, when running as root; its pidfile names it.
        var pidFile = Path.Combine(_root, "pgbouncer.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && NativeMethods.Kill(pid, NativeMethods.SigTerm) == 0)
        {
            // SIGTERM is an immediate shutdown up to 1.22 and waits for clients from 1.23 on; a throwaway
            // PgBouncer holds nothing worth waiting for.
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (NativeMethods.Kill(pid, 0) == 0 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }

            NativeMethods.Kill(pid, NativeMethods.SigKill);
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(5000);
        _process.Dispose();
        TryDelete(_root);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private string Snapshot()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

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
