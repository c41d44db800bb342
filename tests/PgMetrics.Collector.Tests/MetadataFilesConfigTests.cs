using PgMetrics.Collector.Config;
using PgMetrics.Collector.Receivers.Postgresql;
using PgMetrics.Hosting;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Parsing;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Tests.Shared;

namespace PgMetrics.Collector.Tests;

/// <summary>
/// A receiver's <c>metadata_files</c> are read by the same library as the generator: each mistake in one is
/// reported as <c>dotnet build</c> reports it, a name declared twice is an error naming both places, and
/// the metric switches reach the custom metrics.
/// </summary>
public sealed class MetadataFilesConfigTests : IDisposable
{
    private const string ShopFile = """
        type: shop
        resource_attributes:
          shop.region: {description: Where the shop is., type: string, enabled: true}
        metrics:
          shop.orders:
            enabled: true
            description: Orders.
            unit: "{order}"
            gauge: {value_type: int}
            source: {query: orders, column: orders}
          shop.refunds:
            enabled: false
            description: Refunds.
            unit: "{refund}"
            gauge: {value_type: int}
            source: {query: orders, column: refunds}
        queries:
          orders:
            sql: SELECT 'eu' AS region, 3 AS orders, 1 AS refunds
            columns:
              region: {type: string, resource_attribute: shop.region}
              orders: {type: int}
              refunds: {type: int}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-metadata-").FullName;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Config(string receiverLines) => "receivers:\n  postgresql:\n    endpoint: localhost:5432\n" + receiverLines;

    private ConfigLoadResult Load(string receiverLines) => ConfigLoader.Load(Write("pgmetrics.yaml", Config(receiverLines)));

    [Theory]
    [MemberData(nameof(MetadataDiagnosticCases.All), MemberType = typeof(MetadataDiagnosticCases))]
    public void Each_mistake_in_a_metadata_file_is_reported_by_the_collector_as_dotnet_build_reports_it(string yaml, string id, int line, int column)
    {
        var file = Write("custom.yaml", yaml);

        var result = Load($"    metadata_files: [{file}]\n");

        Assert.False(result.IsValid);
        var expected = MetadataParser.Parse(yaml, file).Diagnostics.Select(d => d.ToString()).ToList();
        var reported = result.Errors.Where(e => e.Metadata is not null).ToList();
        Assert.Equal(expected, reported.Select(e => e.ToString()));
        Assert.All(reported, e => Assert.Equal("receivers.postgresql.metadata_files[0]", e.Key));
        Assert.Contains($"{file}({line},{column}): error {id}: ", reported.Select(e => e.ToString()).First(e => e.Contains(id, StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_mistakes_tried_through_the_collector_cover_every_diagnostic_the_library_has()
    {
        var covered = MetadataDiagnosticCases.All.Select(row => row.Data.Item2).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(MetadataDiagnostics.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal), covered);
    }

    [Fact]
    public void A_valid_file_is_read_with_its_metrics_and_watched_for_changes()
    {
        var file = Write("shop.yaml", ShopFile);

        var result = Load($"    metadata_files: [{file}]\n");

        Assert.Empty(result.Errors);
        var receiver = (PostgresqlReceiverConfig)result.Config!.Receivers[0];
        var metadata = Assert.IsType<MetadataFile>(Assert.Single(receiver.MetadataFiles));
        Assert.Equal((file, "shop"), (metadata.Path, metadata.Spec.Type));
        Assert.Equal(["shop.orders", "shop.refunds"], metadata.Spec.Metrics.Select(m => m.Name));
        Assert.Contains(file, result.Config.WatchedFiles);
        Assert.Contains(Path.Combine(_directory, "pgmetrics.yaml"), result.Config.WatchedFiles);
    }

    [Fact]
    public void Metric_and_resource_attribute_switches_reach_the_custom_metrics_and_the_catalogue_alike()
    {
        var file = Write("shop.yaml", ShopFile);

        var result = Load($"""
                metadata_files: [{file}]
                metrics:
                  shop.orders: {"{"}enabled: false{"}"}
                  shop.refunds: {"{"}enabled: true{"}"}
                  postgresql.db_size: {"{"}enabled: false{"}"}
                resource_attributes:
                  shop.region: {"{"}enabled: false{"}"}
                  server.port: {"{"}enabled: false{"}"}

            """);

        Assert.Empty(result.Errors);
        var (catalogue, custom) = PostgresqlReceiverFactory.ToMetricSets((PostgresqlReceiverConfig)result.Config!.Receivers[0]);
        var shop = Assert.Single(custom);
        Assert.Equal((false, true), (shop.FindMetric("shop.orders")!.Enabled, shop.FindMetric("shop.refunds")!.Enabled));
        Assert.False(shop.FindResourceAttribute("shop.region")!.Enabled);
        Assert.False(catalogue.FindMetric("postgresql.db_size")!.Enabled);
        Assert.False(catalogue.FindResourceAttribute("server.port")!.Enabled);
    }

    [Fact]
    public void A_switch_for_a_metric_no_file_declares_is_still_an_error()
    {
        var file = Write("shop.yaml", ShopFile);

        var result = Load($"    metadata_files: [{file}]\n    metrics:\n      shop.order: {{enabled: false}}\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("receivers.postgresql.metrics.shop.order", 6, 7), (error.Key, error.Line, error.Column));
    }

    [Fact]
    public void A_metric_named_like_a_built_in_one_is_PGM005_at_its_key_naming_the_catalogue()
    {
        var file = Write("clash.yaml", ShopFile.Replace("shop.refunds:", "postgresql.commits:", StringComparison.Ordinal));

        var error = Assert.Single(Load($"    metadata_files: [{file}]\n").Errors);

        Assert.Equal($"{file}(11,3): error PGM005: 'postgresql.commits' is declared more than once in the metrics of receiver postgresql: the built-in catalogue has it too (docs/metrics.md)", error.ToString());
    }

    [Fact]
    public void A_metric_or_query_in_two_files_is_PGM005_in_the_second_naming_the_place_in_the_first()
    {
        var first = Write("shop.yaml", ShopFile);
        var second = Write("shop-eu.yaml", ShopFile.Replace("type: shop", "type: shop_eu", StringComparison.Ordinal).Replace("shop.refunds", "shop.eu_refunds", StringComparison.Ordinal));

        var errors = Load($"    metadata_files: [{first}, {second}]\n").Errors.Select(e => e.ToString()).ToList();

        Assert.Equal(
        [
            $"{second}(5,3): error PGM005: 'shop.orders' is declared more than once in the metrics of receiver postgresql: {first}(5,3) has it too",
            $"{second}(18,3): error PGM005: 'orders' is declared more than once in the queries of receiver postgresql: {first}(18,3) has it too",
        ], errors);
    }

    [Fact]
    public void A_clash_is_found_in_a_file_that_has_other_mistakes_too()
    {
        var file = Write("clash.yaml", ShopFile.Replace("shop.refunds:", "postgresql.commits:", StringComparison.Ordinal).Replace("column: refunds", "column: refund", StringComparison.Ordinal));

        var errors = Load($"    metadata_files: [{file}]\n").Errors;

        Assert.Equal(["PGM005", "PGM007"], errors.Select(e => e.Metadata!.Id).Order());
    }

    [Fact]
    public void A_missing_file_a_file_listed_twice_and_a_list_of_the_wrong_shape_are_named_by_their_key()
    {
        var file = Write("shop.yaml", ShopFile);
        var missing = Path.Combine(_directory, "nope.yaml");

        var errors = Load($"    metadata_files: [{file}, {missing}, {file}]\n").Errors.Select(e => e.ToString()).ToList();
        var notAList = Assert.Single(Load($"    metadata_files: {file}\n").Errors);

        var config = Path.Combine(_directory, "pgmetrics.yaml");
        Assert.Equal(
        [
            $"{config}:4:{24 + file.Length}: receivers.postgresql.metadata_files[1]: file '{missing}' does not exist",
            $"{config}:4:{26 + file.Length + missing.Length}: receivers.postgresql.metadata_files[2]: lists '{file}' a second time",
        ], errors);
        Assert.Equal(("receivers.postgresql.metadata_files", 4, 21), (notAList.Key, notAList.Line, notAList.Column));
    }

    [Fact]
    public void A_path_that_is_no_metadata_file_but_endless_text_is_refused_without_reading_it_all()
    {
        var error = Assert.Single(Load("    metadata_files: [/dev/zero]\n").Errors);

        Assert.Equal("receivers.postgresql.metadata_files[0]", error.Key);
        Assert.Contains("is longer than 4 MiB of text", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
