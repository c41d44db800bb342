using PgMetrics.Generator.Tests.Infrastructure;
using PgMetrics.Runtime.Metadata;

namespace PgMetrics.Generator.Tests;

/// <summary>docs/metrics.md is the catalogue the generator writes from metadata.yaml, never a stale copy.</summary>
public sealed class CatalogueDocumentationTests
{
    [Fact]
    public void The_checked_in_metric_catalogue_matches_metadata_yaml()
    {
        var path = GeneratorHarness.RepositoryPath("docs/metrics.md");
        if (Environment.GetEnvironmentVariable("PGMETRICS_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, PostgresqlDocumentation.Markdown);
        }

        Assert.True(
            File.ReadAllText(path) == PostgresqlDocumentation.Markdown,
            "docs/metrics.md is stale: run the tests with PGMETRICS_UPDATE_SNAPSHOTS=1 to rewrite it from metadata.yaml.");
    }

    [Fact]
    public void The_catalogue_lists_every_metric_with_its_versions()
    {
        foreach (var metric in PostgresqlMetricDescriptors.All)
        {
            Assert.Contains($"| `{metric.Name}` |", PostgresqlDocumentation.Markdown, StringComparison.Ordinal);
        }

        Assert.Contains("| 12+ |", PostgresqlDocumentation.Markdown, StringComparison.Ordinal);
    }
}
