using PgMetrics.Metadata.Parsing;

namespace PgMetrics.Generator.Tests;

/// <summary>The parser says where each metric and query is declared, beside the model, also in a file with mistakes.</summary>
public sealed class MetadataLocationsTests
{
    private const string Yaml = """
        type: shop
        metrics:
          shop.orders:
            enabled: true
            description: Orders.
            unit: "{order}"
            gauge: {value_type: int}
            source: {query: orders, column: n}
          "shop.refunds": {enabled: true, description: Refunds., unit: "1", gauge: {value_type: int}, source: {query: orders, column: n}}
        queries:
          orders:
            sql: SELECT 1 AS n
            columns:
              n: {type: int}
        """;

    [Fact]
    public void Each_metric_and_query_is_located_at_its_key_in_file_order()
    {
        var result = MetadataParser.Parse(Yaml, "/shop/metadata.yaml");

        Assert.NotNull(result.Spec);
        Assert.Equal([("shop.orders", 2, 2), ("shop.refunds", 8, 2)], result.Locations.Metrics.Select(l => (l.Name, l.Span.StartLine, l.Span.StartColumn)));
        Assert.Equal(("/shop/metadata.yaml", 10, 2), (result.Locations.FindQuery("orders")!.Value.FilePath, result.Locations.FindQuery("orders")!.Value.StartLine, result.Locations.FindQuery("orders")!.Value.StartColumn));
        Assert.Null(result.Locations.FindMetric("shop.nothing"));
    }

    [Fact]
    public void A_file_with_mistakes_still_locates_its_names_and_one_that_is_not_YAML_has_none()
    {
        var broken = MetadataParser.Parse(Yaml.Replace("column: n}}", "column: missing}}", StringComparison.Ordinal), "metadata.yaml");
        var notYaml = MetadataParser.Parse("metrics: [", "metadata.yaml");

        Assert.Null(broken.Spec);
        Assert.Equal(8, broken.Locations.FindMetric("shop.refunds")!.Value.StartLine);
        Assert.Empty(notYaml.Locations.Metrics);
    }
}
