using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Npgsql;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.Benchmarks;

/// <summary>
/// One scrape of a database with 10,000 tables (each with a primary key index) by the built-in
/// catalogue, against the time the same SQL takes alone: every query the scraper would run, sent as
/// text through Npgsql with every value read and thrown away. The difference is what PgMetrics adds
/// on top of PostgreSQL's own work: mapping rows to points, its own small queries (server version,
/// database list, requirement checks) and merging the per-database buffer. Written over
/// <c>metricSet.Queries</c>, so queries added to metadata.yaml are measured without touching this file.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 20)]
public class CatalogueScrapeBenchmarks
{
    private const int PostgresMajor = 17;
    private const string BenchDatabase = "bench";
    private const string InstanceDatabase = "postgres";
    private const int TableCount = 10_000;
    private const int TablesPerCreateBatch = 500;

    private readonly PostgresqlMetricSet _metricSet = new();
    private readonly HashSet<string> _queriesNotRunHere = new(StringComparer.Ordinal);
    private PostgresCluster _cluster = null!;
    private ScraperOptions _scraperOptions = null!;
    private PostgresScraper _scraper = null!;
    private NpgsqlDataSource _instanceDataSource = null!;
    private NpgsqlDataSource _benchDataSource = null!;
    private int _serverVersionNum;

    [GlobalSetup]
    public async Task Setup()
    {
        _cluster = await PostgresCluster.StartAsync(PostgresMajor);
        await CreateBenchDatabaseAsync();

        _scraperOptions = new ScraperOptions { ConnectionString = _cluster.ConnectionString, Databases = [BenchDatabase] };
        _scraper = new PostgresScraper(_scraperOptions, _metricSet);
        _instanceDataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = InstanceDatabase });
        _benchDataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = BenchDatabase });

        await using (var connection = await _instanceDataSource.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int", connection))
        {
            _serverVersionNum = (int)(await command.ExecuteScalarAsync())!;
        }

        // Warm-up scrape: opens the scraper's pools and says how much one scrape produces.
        var scrape = await _scraper.ScrapeAsync(CancellationToken.None);
        Console.WriteLine($"// PostgreSQL {_serverVersionNum}, {TableCount} tables in '{BenchDatabase}'");
        Console.WriteLine($"// one scrape: {scrape.PointsRecorded} points from {scrape.QueriesRun} queries, {scrape.Errors.Count} errors");
        foreach (var error in scrape.Errors)
        {
            Console.WriteLine($"// scrape error: {error}");
        }

        // Queries the scraper skips for an unmet requirement (a missing extension or setting) are not
        // run by the baseline either.
        foreach (var skipped in scrape.Skipped)
        {
            Console.WriteLine($"// scrape {skipped}");
            _queriesNotRunHere.Add(skipped.Query);
        }

        // Warm-up of the raw pass: opens its pools, and leaves out queries that fail on this server
        // (the scraper records those as errors, listed above) so the baseline times SQL that runs.
        var valuesRead = await ReadEveryQueryAsync(probing: true);
        Console.WriteLine($"// raw SQL: {valuesRead} values read per pass");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _scraper.DisposeAsync();
        await _instanceDataSource.DisposeAsync();
        await _benchDataSource.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Benchmark(Description = "PostgresScraper.ScrapeAsync, built-in catalogue")]
    public async Task<int> Scrape()
    {
        var scrape = await _scraper.ScrapeAsync(CancellationToken.None);
        return scrape.PointsRecorded;
    }

    [Benchmark(Baseline = true, Description = "the same SQL alone, every value read")]
    public Task<long> RawSql() => ReadEveryQueryAsync(probing: false);

    // Mirrors the scraper's order and connections: instance queries on one connection to the
    // connection string's database, then per-database queries on one connection to 'bench'.
    // Probing (once, in setup) prints each query's time and adds those that fail on this server to
    // the queries not run here.
    private async Task<long> ReadEveryQueryAsync(bool probing)
    {
        var valuesRead = await ReadQueriesOfScopeAsync(QueryScope.Instance, _instanceDataSource, probing);
        valuesRead += await ReadQueriesOfScopeAsync(QueryScope.PerDatabase, _benchDataSource, probing);
        return valuesRead;
    }

    private async Task<long> ReadQueriesOfScopeAsync(QueryScope scope, NpgsqlDataSource dataSource, bool probing)
    {
        var valuesRead = 0L;
        NpgsqlConnection? connection = null;
        try
        {
            foreach (var query in _metricSet.Queries)
            {
                if (query.Scope != scope || !query.IsNeeded || query.SelectSql(_serverVersionNum) is not string sql
                    || _queriesNotRunHere.Contains(query.Name))
                {
                    continue;
                }

                connection ??= await dataSource.OpenConnectionAsync();
                if (!probing)
                {
                    valuesRead += await ReadEveryValueAsync(connection, sql);
                    continue;
                }

                try
                {
                    var started = Stopwatch.GetTimestamp();
                    var queryValues = await ReadEveryValueAsync(connection, sql);
                    valuesRead += queryValues;
                    Console.WriteLine($"// raw SQL: query '{query.Name}' ({scope}): {queryValues} values in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
                }
                catch (PostgresException ex)
                {
                    _queriesNotRunHere.Add(query.Name);
                    Console.WriteLine($"// raw SQL: query '{query.Name}' fails on this server and is left out of RawSql: {ex.MessageText}");
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        return valuesRead;
    }

    // Binds @databases and @relation_limit as PostgresScraper does, and reads each column with a
    // typed getter where the type is a common one, so the baseline does not pay for boxing.
    private async Task<long> ReadEveryValueAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        QueryParameters.Bind(command, [BenchDatabase], _scraperOptions.MaxRelationsPerDatabase);

        await using var reader = await command.ExecuteReaderAsync();
        var valuesRead = 0L;
        while (await reader.ReadAsync())
        {
            for (var ordinal = 0; ordinal < reader.FieldCount; ordinal++)
            {
                ReadAndDiscard(reader, ordinal);
                valuesRead++;
            }
        }

        return valuesRead;
    }

    private static void ReadAndDiscard(NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return;
        }

        var type = reader.GetFieldType(ordinal);
        _ = type == typeof(long) ? reader.GetInt64(ordinal)
            : type == typeof(int) ? reader.GetInt32(ordinal)
            : type == typeof(short) ? reader.GetInt16(ordinal)
            : type == typeof(double) ? reader.GetDouble(ordinal)
            : type == typeof(string) ? reader.GetString(ordinal)
            : type == typeof(bool) ? reader.GetBoolean(ordinal)
            : type == typeof(decimal) ? reader.GetDecimal(ordinal)
            : reader.GetValue(ordinal);
    }

    // 10,000 tables with a primary key (plus their TOAST tables), rows in every 10th, a seq scan of
    // every 20th and an index scan of every 40th, then VACUUM ANALYZE so statistics exist and
    // autovacuum has nothing left to do while the benchmark runs.
    private async Task CreateBenchDatabaseAsync()
    {
        var noPooling = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Pooling = false, CommandTimeout = 600 };
        await using (var postgres = new NpgsqlConnection(noPooling.ConnectionString))
        {
            await postgres.OpenAsync();
            await ExecuteAsync(postgres, $"CREATE DATABASE {BenchDatabase}");
        }

        // A connection without pooling ends its backend on close, which flushes its table statistics.
        noPooling.Database = BenchDatabase;
        await using var bench = new NpgsqlConnection(noPooling.ConnectionString);
        await bench.OpenAsync();
        for (var first = 1; first <= TableCount; first += TablesPerCreateBatch)
        {
            // One transaction per batch keeps the locks it holds well below max_locks_per_transaction.
            var last = Math.Min(first + TablesPerCreateBatch - 1, TableCount);
            await ExecuteAsync(bench, $"""
                DO $$
                BEGIN
                  FOR i IN {first}..{last} LOOP
                    EXECUTE format('CREATE TABLE %I (id int PRIMARY KEY, v text)', 't_' || lpad(i::text, 5, '0'));
                  END LOOP;
                END $$
                """);
        }

        await ExecuteAsync(bench, $"""
            DO $$
            BEGIN
              FOR i IN 10..{TableCount} BY 10 LOOP
                EXECUTE format('INSERT INTO %I SELECT g, md5(g::text) FROM generate_series(1, 100) g', 't_' || lpad(i::text, 5, '0'));
              END LOOP;
              FOR i IN 20..{TableCount} BY 20 LOOP
                EXECUTE format('SELECT count(*) FROM %I', 't_' || lpad(i::text, 5, '0'));
              END LOOP;
              FOR i IN 40..{TableCount} BY 40 LOOP
                EXECUTE format('SELECT v FROM %I WHERE id = 7', 't_' || lpad(i::text, 5, '0'));
              END LOOP;
            END $$
            """);
        await ExecuteAsync(bench, "VACUUM (ANALYZE)");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
