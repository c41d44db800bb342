using PgMetrics.Generator.Tests.Infrastructure;
using PgMetrics.Runtime.Metadata;

namespace PgMetrics.Generator.Tests;

/// <summary>docs/pgbouncer-metrics.md is the PgBouncer catalogue the generator writes from PgMetrics.Runtime/Pgbouncer/metadata.yaml, never a stale copy.</summary>
public sealed class PgbouncerDocumentationTests
{
    [Fact]
    public void The_checked_in_pgbouncer_catalogue_matches_its_metadata_yaml()
    {
        var path = GeneratorHarness.RepositoryPath("docs/pgbouncer-metrics.md");
        if (Environment.GetEnvironmentVariable("PGMETRICS_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, PgbouncerDocumentation.Markdown);
        }

        Assert.True(
            File.Exists(path) && File.ReadAllText(path) == PgbouncerDocumentation.Markdown,
            "docs/pgbouncer-metrics.md is stale: run the tests with PGMETRICS_UPDATE_SNAPSHOTS=1 to rewrite it from PgMetrics.Runtime/Pgbouncer/metadata.yaml.");
    }

    [Fact]
    public void Every_pgbouncer_metric_names_the_show_command_it_comes_from()
    {
        foreach (var metric in PgbouncerMetricDescriptors.All)
        {
            Assert.StartsWith("pgbouncer.", metric.Name, StringComparison.Ordinal);
            Assert.Contains("SHOW ", metric.Description, StringComparison.Ordinal);
            Assert.Contains($"| `{metric.Name}` |", PgbouncerDocumentation.Markdown, StringComparison.Ordinal);
        }
    }
}
