// Starts a throwaway PostgreSQL, puts an order-processing load on it, and runs the real collector
// binary against it for a short while, so you see what PgMetrics collects. Everything is removed
// at the end.
using System.Diagnostics;
using Npgsql;
using PgMetrics.TestPostgres;

var major = int.TryParse(Environment.GetEnvironmentVariable("PGMETRICS_DEMO_PG_VERSION"), out var requested) ? requested : 17;
var runFor = TimeSpan.FromSeconds(25);

Console.WriteLine($"Starting a throwaway PostgreSQL {major} cluster...");
await using var cluster = await PostgresCluster.StartAsync(major);
Console.WriteLine($"  {cluster.Description}, data in {cluster.DataDirectory}");

await ExecuteAsync(cluster.ConnectionString, "CREATE DATABASE shop");
var shop = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = "shop" }.ConnectionString;
await ExecuteAsync(shop, "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, total numeric(10,2) NOT NULL, placed_at timestamptz DEFAULT now())");

Console.WriteLine("Putting load on database 'shop': orders committed, some rolled back, reports read.");
using var stopLoad = new CancellationTokenSource();
var load = Task.Run(() => RunLoadAsync(shop, stopLoad.Token));

Console.WriteLine($"Running the collector for {runFor.TotalSeconds:0} s: pgmetrics run --interval 5s");
if (Environment.GetEnvironmentVariable("NEW_RELIC_LICENSE_KEY") is { Length: > 0 })
{
    Console.WriteLine("  NEW_RELIC_LICENSE_KEY is set; it is passed to the collector's environment.");
}

var collector = new ProcessStartInfo("dotnet") { UseShellExecute = false };
foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "pgmetrics.dll"), "run", "--connection", cluster.ConnectionString, "--interval", "5s", "--duration", $"{runFor.TotalSeconds:0}s" })
{
    collector.ArgumentList.Add(argument);
}

using var process = Process.Start(collector) ?? throw new InvalidOperationException("could not start the collector");
await process.WaitForExitAsync();

await stopLoad.CancelAsync();
var orders = await load;
Console.WriteLine($"Load finished: {orders.Committed} orders committed, {orders.RolledBack} rolled back.");
Console.WriteLine("Stopping the cluster and deleting its data.");
return process.ExitCode;

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static async Task<(int Committed, int RolledBack)> RunLoadAsync(string connectionString, CancellationToken stop)
{
    int committed = 0, rolledBack = 0;
    var random = new Random(42);
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync(CancellationToken.None);
    while (!stop.IsCancellationRequested)
    {
        await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None))
        {
            await using var insert = new NpgsqlCommand("INSERT INTO orders (customer, total) SELECT $1, $2 FROM generate_series(1, 20)", connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = random.Next(1, 500) });
            insert.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = random.Next(100, 100_000) / 100m });
            await insert.ExecuteNonQueryAsync(CancellationToken.None);

            // Every fifth order is abandoned, so rollbacks show up next to commits.
            if (random.Next(5) == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                rolledBack++;
            }
            else
            {
                await transaction.CommitAsync(CancellationToken.None);
                committed++;
            }
        }

        await using (var report = new NpgsqlCommand("SELECT customer, sum(total) FROM orders GROUP BY customer ORDER BY 2 DESC LIMIT 10", connection))
        {
            await using var reader = await report.ExecuteReaderAsync(CancellationToken.None);
            while (await reader.ReadAsync(CancellationToken.None))
            {
            }
        }

        try
        {
            await Task.Delay(50, stop);
        }
        catch (OperationCanceledException)
        {
            break;
        }
    }

    return (committed, rolledBack);
}
