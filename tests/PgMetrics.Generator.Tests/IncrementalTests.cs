using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PgMetrics.Generator.Tests.Infrastructure;

namespace PgMetrics.Generator.Tests;

/// <summary>The pipeline reuses its work when nothing it reads has changed.</summary>
public sealed class IncrementalTests
{
    private static readonly string[] TrackedSteps =
    [
        MetricsGenerator.TrackingNames.MetadataFiles,
        MetricsGenerator.TrackingNames.Parsed,
        MetricsGenerator.TrackingNames.Specs,
        MetricsGenerator.TrackingNames.Diagnostics,
    ];

    [Fact]
    public void Editing_an_unrelated_CSharp_file_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation("namespace Sample; internal static class Anchor { }");
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ReadRepositoryFile("metadata.yaml")).RunGenerators(compilation, TestContext.Current.CancellationToken);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Sample; internal static class Unrelated { }", GeneratorHarness.ParseOptions, cancellationToken: TestContext.Current.CancellationToken));
        var result = driver.RunGenerators(edited, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {output.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Editing_metadata_yaml_changes_the_generated_api()
    {
        var yaml = GeneratorHarness.ReadRepositoryFile("metadata.yaml");
        var original = GeneratorHarness.Metadata(yaml);
        var compilation = GeneratorHarness.CreateCompilation("namespace Sample; internal static class Anchor { }");
        var driver = GeneratorHarness.CreateDriver(original).RunGenerators(compilation, TestContext.Current.CancellationToken);
        var before = BuilderSource(driver);

        var edited = GeneratorHarness.Metadata(yaml.Replace("postgresql.rollbacks:", "postgresql.aborts:", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(original, edited).RunGenerators(compilation, TestContext.Current.CancellationToken);
        var after = BuilderSource(driver);

        Assert.Contains("RecordPostgresqlRollbacksDataPoint", before, StringComparison.Ordinal);
        Assert.DoesNotContain("RecordPostgresqlRollbacksDataPoint", after, StringComparison.Ordinal);
        Assert.Contains("RecordPostgresqlAbortsDataPoint", after, StringComparison.Ordinal);
        var parsed = driver.GetRunResult().Results.Single().TrackedSteps[MetricsGenerator.TrackingNames.Parsed].SelectMany(s => s.Outputs);
        Assert.Contains(parsed, output => output.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Moving_the_lines_of_metadata_yaml_moves_the_located_names_but_leaves_the_spec_and_the_generated_code_cached()
    {
        var yaml = GeneratorHarness.ReadRepositoryFile("metadata.yaml");
        var original = GeneratorHarness.Metadata(yaml);
        var compilation = GeneratorHarness.CreateCompilation("namespace Sample; internal static class Anchor { }");
        var driver = GeneratorHarness.CreateDriver(original).RunGenerators(compilation, TestContext.Current.CancellationToken);

        var moved = GeneratorHarness.Metadata("# Two lines more at the top move every name.\n\n" + yaml);
        var result = driver.ReplaceAdditionalText(original, moved).RunGenerators(compilation, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        // The parse result holds the names' new places, so it changed; the spec it carries did not.
        Assert.Contains(result.TrackedSteps[MetricsGenerator.TrackingNames.Parsed].SelectMany(s => s.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.All(result.TrackedSteps[MetricsGenerator.TrackingNames.Specs].SelectMany(s => s.Outputs), output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Changing_the_root_namespace_moves_the_generated_code_without_parsing_again()
    {
        var compilation = GeneratorHarness.CreateCompilation("namespace Sample; internal static class Anchor { }");
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ReadRepositoryFile("metadata.yaml")).RunGenerators(compilation, TestContext.Current.CancellationToken);

        driver = driver.WithUpdatedAnalyzerConfigOptions(GeneratorHarness.OptionsFor("Shop")).RunGenerators(compilation, TestContext.Current.CancellationToken);
        var result = driver.GetRunResult().Results.Single();

        Assert.All(result.TrackedSteps[MetricsGenerator.TrackingNames.Parsed].SelectMany(s => s.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Contains("namespace Shop.Metadata;", BuilderSource(driver), StringComparison.Ordinal);
    }

    private static string BuilderSource(GeneratorDriver driver)
        => driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("PostgresqlMetricsBuilder.g.cs", StringComparison.Ordinal)).ToString();
}
