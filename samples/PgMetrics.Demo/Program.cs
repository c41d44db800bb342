// Starts a throwaway PostgreSQL, puts an order-processing load on it, and runs the real collector
// binary's live view (pgmetrics top) against it for a short while, so you see the server move: rates,
// the top statements, a session blocked by a held lock. Everything is removed at the end.
using System.Diagnostics;
using Npgsql;
using PgMetrics.TestPostgres;

var major = int.TryParse(Environment.GetEnvironmentVariable("PGMETRICS_DEMO_PG_VERSION"), out var requested) ? requested : 17;
var runFor = TimeSpan.FromSeconds(25);

Console.WriteLine($"Starting a throwaway PostgreSQL {major} cluster...");
await using var cluster = await PostgresCluster.StartAsync(major);
Console.WriteLine($"  {cluster.Description}, data in {cluster.DataDirectory}");

// Top statements come from pg_stat_statements (preloaded by the cluster), read in the collector's home database.
await ExecuteAsync(cluster.ConnectionString, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
await ExecuteAsync(cluster.ConnectionString, "CREATE DATABASE shop");
var shop = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = "shop" }.ConnectionString;
await ExecuteAsync(shop, "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, total numeric(10,2) NOT NULL, placed_at timestamptz DEFAULT now())");
await ExecuteAsync(shop, "CREATE TABLE stock (item int PRIMARY KEY, on_hand int NOT NULL); INSERT INTO stock VALUES (1, 1000000)");

Console.WriteLine("Putting load on database 'shop': orders committed, some rolled back, reports read, stock counted under a lock.");
using var stopLoad = new CancellationTokenSource();
var load = Task.Run(() => RunLoadAsync(shop, stopLoad.Token));
var stocktake = Task.Run(() => RunStocktakeAsync(shop, stopLoad.Token));

Console.WriteLine($"Running the collector's live view for {runFor.TotalSeconds:0} s: pgmetrics top --interval 3s (Ctrl-C ends it sooner)");
if (Environment.GetEnvironmentVariable("NEW_RELIC_LICENSE_KEY") is { Length: > 0 })
{
    Console.WriteLine("  NEW_RELIC_LICENSE_KEY is set; it is passed to the collector's environment, which sends to New Relic too.");
}

var collector = new ProcessStartInfo("dotnet") { UseShellExecute = false };
foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "pgmetrics.dll"), "top", "--connection", cluster.ConnectionString, "--interval", "3s", "--duration", $"{runFor.TotalSeconds:0}s" })
{
    collector.ArgumentList.Add(argument);
}

// Ctrl-C reaches the collector too (same terminal); the demo waits for it to give the screen back, then cleans up.
Console.CancelKeyPress += (_, e) => e.Cancel = true;
using var process = Process.Start(collector) ?? throw new InvalidOperationException("could not start the collector");
await process.WaitForExitAsync();

await stopLoad.CancelAsync();
var orders = await load;
var stocktakes = await stocktake;
Console.WriteLine($"Load finished: {orders.Committed} orders committed, {orders.RolledBack} rolled back, {stocktakes} stocktakes held the stock row.");
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

        // Each order takes its items from stock: it waits while a stocktake holds the row.
        await using (var take = new NpgsqlCommand("UPDATE stock SET on_hand = on_hand - 1 WHERE item = 1", connection))
        {
            await take.ExecuteNonQueryAsync(CancellationToken.None);
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

// Every 7 s a stocktake holds the stock row for 3 s, so the view shows a blocked session and its wait.
static async Task<int> RunStocktakeAsync(string connectionString, CancellationToken stop)
{
    var stocktakes = 0;
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync(CancellationToken.None);
    while (!stop.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(4), stop);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            await using var count = new NpgsqlCommand("SELECT on_hand FROM stock WHERE item = 1 FOR UPDATE", connection, transaction);
            await count.ExecuteScalarAsync(CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(3), stop);
            await transaction.CommitAsync(CancellationToken.None);
            stocktakes++;
        }
        catch (OperationCanceledException)
        {
            break;
        }
    }

    return stocktakes;
}
