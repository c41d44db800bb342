using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using PgMetrics.Soak;
using PgMetrics.TestPostgres;

// The fleet soak: one collector, many targets on a few throwaway servers, its resident memory sampled
// over time and the slope of the second part fitted. See bench/results/README.md for how to read it.
var options = SoakOptions.Parse(args);
Console.WriteLine($"soak: {options.Targets} targets on {options.Servers} PostgreSQL {options.Major} servers, {options.Tables} tables each, every {options.Interval.TotalSeconds:0.#} s for {options.Duration.TotalMinutes:0.#} min ({options.Layout} layout)");

var perServer = (options.Targets + options.Servers - 1) / options.Servers;
var servers = new List<PostgresCluster>();
var work = Directory.CreateTempSubdirectory("pgmetrics-soak-").FullName;
try
{
    for (var s = 0; s < options.Servers; s++)
    {
        var addresses = Enumerable.Range(1, perServer).Select(i => $"127.0.{s + 1}.{i}").ToList();
        var settings = new Dictionary<string, string> { ["listen_addresses"] = string.Join(',', ["127.0.0.1", .. addresses]) };
        servers.Add(await PostgresCluster.StartAsync(new PostgresClusterOptions(options.Major) { Settings = settings }));
        await CreateTablesAsync(servers[^1], options.Tables);
    }

    await using var sink = new OtlpSink();
    var healthPort = FreePort();
    var targets = Enumerable.Range(0, options.Targets).Select(i => $"127.0.{(i % options.Servers) + 1}.{(i / options.Servers) + 1}:{servers[i % options.Servers].Port}").ToList();
    var configPath = SoakConfig.Write(work, options, targets, sink.Endpoint, healthPort);

    using var collector = Process.Start(CollectorStart(options.Collector, configPath))!;
    var problems = new ProblemCounter();
    collector.ErrorDataReceived += (_, e) => problems.Add(e.Data);
    collector.OutputDataReceived += (_, _) => { };
    collector.BeginErrorReadLine();
    collector.BeginOutputReadLine();

    var samples = new List<Sample>();
    var started = Stopwatch.StartNew();
    var lastCpu = 0.0;
    var lastWall = 0.0;
    while (started.Elapsed < options.Duration && !collector.HasExited)
    {
        await Task.Delay(options.SampleEvery);
        if (collector.HasExited)
        {
            break;
        }

        var wall = started.Elapsed.TotalSeconds;
        var cpu = ProcessSampler.CpuSeconds(collector.Id);
        samples.Add(new Sample(wall, ProcessSampler.ResidentMegabytes(collector.Id), (cpu - lastCpu) / (wall - lastWall) * 100, ProcessSampler.LoadAverage(), sink.Requests));
        lastCpu = cpu;
        lastWall = wall;
        Console.WriteLine(samples[^1].ToString());
    }

    var readiness = await ReadinessAsync(healthPort);
    if (!collector.HasExited)
    {
        using var term = Process.Start("kill", ["-TERM", collector.Id.ToString(CultureInfo.InvariantCulture)])!;
        await term.WaitForExitAsync();
        if (!collector.WaitForExit(30_000))
        {
            collector.Kill(entireProcessTree: true);
        }
    }

    var report = SoakReport.Write(options, samples, problems, readiness, sink);
    Console.WriteLine();
    Console.WriteLine(report);
    if (options.Output is { } output)
    {
        await File.WriteAllTextAsync(output, report);
        Console.WriteLine($"written to {output}");
    }
}
finally
{
    foreach (var server in servers)
    {
        await server.DisposeAsync();
    }

    Directory.Delete(work, recursive: true);
}

static async Task CreateTablesAsync(PostgresCluster server, int tables)
{
    await using var connection = new NpgsqlConnection(server.ConnectionString);
    await connection.OpenAsync();
    var sql = new StringBuilder();
    for (var t = 0; t < tables; t++)
    {
        sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE soak_{t} (id int PRIMARY KEY, v text); INSERT INTO soak_{t} VALUES (1, 'x'); ");
    }

    if (sql.Length > 0)
    {
        await using var command = new NpgsqlCommand(sql.ToString(), connection);
        await command.ExecuteNonQueryAsync();
    }
}

static ProcessStartInfo CollectorStart(string collector, string configPath)
{
    var start = collector.EndsWith(".dll", StringComparison.Ordinal) ? new ProcessStartInfo("dotnet") { ArgumentList = { collector } } : new ProcessStartInfo(collector);
    foreach (var argument in new[] { "run", "--config", configPath })
    {
        start.ArgumentList.Add(argument);
    }

    start.RedirectStandardError = true;
    start.RedirectStandardOutput = true;
    start.Environment.Remove("NEW_RELIC_LICENSE_KEY");
    return start;
}

static async Task<string> ReadinessAsync(int port)
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
    try
    {
        using var response = await http.GetAsync($"http://127.0.0.1:{port}/readyz");
        return $"{(int)response.StatusCode}: {(await response.Content.ReadAsStringAsync()).Trim()}";
    }
    catch (HttpRequestException ex)
    {
        return "unanswered: " + ex.Message;
    }
    catch (TaskCanceledException)
    {
        // On a machine busy enough that /readyz takes over 5 s, the report is still written.
        return "unanswered within 5 s";
    }
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}
