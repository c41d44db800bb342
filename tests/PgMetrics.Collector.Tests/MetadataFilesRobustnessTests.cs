using PgMetrics.Collector.Components;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Tests;

/// <summary>
/// Whatever a metadata file holds, loading the config that names it never throws: a broken file is a
/// list of located problems, and a file that passes validation always makes a receiver. Random files come
/// from CsCheck, which shrinks a failing one to a small example.
/// </summary>
public sealed class MetadataFilesRobustnessTests : IDisposable
{
    private const string ValidFile = """
        type: shop
        resource_attributes:
          postgresql.database.name: {description: The database., type: string, enabled: true}
        attributes:
          status: {description: The order status., type: string, enum: [open, paid]}
          region: {description: The region., type: string}
        metrics:
          shop.orders:
            enabled: true
            description: Orders by status.
            unit: "{order}"
            gauge: {value_type: int}
            attributes: [status, region]
            source: {query: orders, column: orders, attributes: {region: eu}}
          shop.revenue:
            enabled: false
            description: Revenue.
            unit: "{USD}"
            sum: {value_type: double, monotonic: true, aggregation_temporality: cumulative}
            source: [{query: orders, column: revenue}]
        queries:
          orders:
            scope: per_database
            min_version: 120000
            requires: {extensions: [pg_stat_statements], settings: {track_functions: [pl, all]}}
            sql: SELECT current_database() AS datname, 'open' AS status, 3 AS orders, 1.5 AS revenue
            variants:
              - {min_version: 170000, sql: "SELECT current_database() AS datname, 'paid' AS status, 4 AS orders, 2.5 AS revenue"}
            columns:
              datname: {type: string, resource_attribute: postgresql.database.name}
              status: {type: string, attribute: status}
              orders: {type: int}
              revenue: {type: double}
        """;

    private const string Alphabet = " :-[]{}#&*!|>'\"%@`,?\n\tabcxyz019._$";

    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-fuzz-").FullName;
    private int _valid;
    private int _rejected;

    /// <summary>Up to six edits of a valid file: delete, insert or replace one character.</summary>
    private static readonly Gen<(int Kind, int Position, char Character)[]> Edits =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, ValidFile.Length], Gen.Char[Alphabet]).Array[1, 6];

    /// <summary>A file assembled from the schema's keys with names drawn from small pools, so references sometimes resolve and sometimes do not.</summary>
    private static readonly Gen<string> SchemaShapedFiles =
        Gen.Select(
            Gen.OneOf("int", "double", "string", "bool", "text").Array[1, 3],
            Gen.OneOf("a", "b", "postgresql.database.name").Array[0, 3],
            Gen.Select(Gen.OneOf("m.one", "m.two", "m_one", "9bad"), Gen.OneOf("gauge", "sum", "histogram"), Gen.OneOf("int", "double"), Gen.OneOf("q", "r"), Gen.OneOf("c0", "c1", "c2"), Gen.Bool).Array[0, 3],
            Gen.OneOf("instance", "per_database", "everywhere"),
            Gen.Bool)
        .Select((types, attributes, metrics, scope, withVariant) => SchemaShaped(types, attributes, metrics, scope, withVariant));

    [Fact]
    public void A_valid_file_with_random_edits_never_makes_loading_throw_and_every_problem_is_located()
    {
        Edits.Sample(edits => LoadsWithoutThrowing(Apply(edits)), iter: 300, threads: 1, print: edits => Apply(edits));

        // Not vacuous: both outcomes were reached.
        Assert.True(_valid > 0 && _rejected > 0, $"{_valid} valid, {_rejected} rejected");
    }

    [Fact]
    public void A_file_assembled_from_the_schema_at_random_is_either_rejected_with_its_places_or_makes_a_receiver()
    {
        SchemaShapedFiles.Sample(LoadsWithoutThrowing, iter: 300, threads: 1);

        Assert.True(_valid > 0 && _rejected > 0, $"{_valid} valid, {_rejected} rejected");
    }

    private void LoadsWithoutThrowing(string metadata)
    {
        var metadataPath = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(metadataPath, metadata);
        var configPath = Path.Combine(_directory, "pgmetrics.yaml");
        File.WriteAllText(configPath, $"receivers:\n  postgresql:\n    endpoint: localhost:5432\n    metadata_files: [{metadataPath}]\n");

        var result = ConfigLoader.Load(configPath);

        if (!result.IsValid)
        {
            _rejected++;
            Assert.NotEmpty(result.Errors);
            Assert.All(result.Errors, e => Assert.True(e.Line > 0 && e.Column > 0, $"{e} has no place"));
            Assert.All(result.Errors.Where(e => e.File == metadataPath), e => Assert.StartsWith("PGM", e.Metadata?.Id, StringComparison.Ordinal));
            return;
        }

        _valid++;

        // Valid: the receiver is made (no connection is opened before the first scrape) and its queries pick SQL for any version.
        var config = (PostgresqlReceiverConfig)result.Config!.Receivers[0];
        var receiver = new PostgresqlReceiverFactory().Create(config, new ReceiverContext(Discard.Instance, Discard.Instance, NullLoggerFactory.Instance));
        var (_, custom) = PostgresqlReceiverFactory.ToMetricSets(config);
        foreach (var query in custom.SelectMany(s => s.Queries))
        {
            _ = query.SelectSql(120000);
            _ = query.SelectSql(180000);
            _ = query.IsNeeded;
        }

        receiver.ShutdownAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private static string Apply((int Kind, int Position, char Character)[] edits)
    {
        var text = new List<char>(ValidFile);
        foreach (var (kind, position, character) in edits)
        {
            var at = Math.Min(position, text.Count - 1);
            switch (kind)
            {
                case 0:
                    text.RemoveAt(at);
                    break;
                case 1:
                    text.Insert(at, character);
                    break;
                default:
                    text[at] = character;
                    break;
            }
        }

        return new string([.. text]);
    }

    private static string SchemaShaped(string[] types, string[] attributes, (string Name, string Kind, string ValueType, string Query, string Column, bool WithAttribute)[] metrics, string scope, bool withVariant)
    {
        var columns = string.Join("", types.Select((type, i) => $"      c{i}: {{type: {type}{(i == 0 && attributes.Length > 0 ? ", attribute: " + attributes[0] : "")}}}\n"));
        var selectList = string.Join(", ", types.Select((_, i) => $"{i} AS c{i}"));
        return "type: fuzz\n"
            + "resource_attributes:\n  postgresql.database.name: {description: d, type: string, enabled: true}\n"
            + "attributes:\n" + string.Join("", attributes.Distinct().Select(a => $"  {a}: {{description: d, type: string}}\n"))
            + "metrics:\n" + string.Join("", metrics.Select(m =>
                $"  {m.Name}:\n    enabled: true\n    description: d\n    unit: \"1\"\n    {m.Kind}: {{value_type: {m.ValueType}{(m.Kind == "sum" ? ", monotonic: true, aggregation_temporality: cumulative" : "")}}}\n"
                + (m.WithAttribute && attributes.Length > 0 ? $"    attributes: [{attributes[0]}]\n" : "")
                + $"    source: {{query: {m.Query}, column: {m.Column}}}\n"))
            + $"queries:\n  q:\n    scope: {scope}\n    sql: SELECT {selectList}\n"
            + (withVariant ? $"    variants: [{{min_version: 150000, max_version: 169999, sql: SELECT {selectList}}}]\n" : "")
            + "    columns:\n" + columns;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class Discard : IMetricsConsumer, ILogsConsumer
    {
        public static readonly Discard Instance = new();

        public void ConsumeMetrics(MetricsBuffer metrics)
        {
        }

        public void ConsumeLogs(LogBatch logs)
        {
        }
    }
}
