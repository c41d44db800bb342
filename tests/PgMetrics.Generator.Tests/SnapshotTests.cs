using Microsoft.CodeAnalysis;
using PgMetrics.Generator.Tests.Infrastructure;

namespace PgMetrics.Generator.Tests;

/// <summary>
/// The generated sources must equal the checked-in files under Expected/. After a deliberate change
/// to the emitter, run the tests with PGMETRICS_UPDATE_SNAPSHOTS=1 to rewrite them, and review the diff.
/// </summary>
public sealed class SnapshotTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "catalogue", "metadata.yaml" },
        { "attributes", "tests/PgMetrics.Generator.Tests/Inputs/attributes.yaml" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_sources_match_the_checked_in_expected_files(string caseName, string input)
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.ReadRepositoryFile(input));
        Assert.Empty(result.Diagnostics);
        var generated = result.Results.Single().GeneratedSources;
        Assert.NotEmpty(generated);

        var expectedDirectory = GeneratorHarness.RepositoryPath(Path.Combine("tests/PgMetrics.Generator.Tests/Expected", caseName));
        if (Environment.GetEnvironmentVariable("PGMETRICS_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(expectedDirectory);
            foreach (var stale in Directory.GetFiles(expectedDirectory))
            {
                File.Delete(stale);
            }

            foreach (var source in generated)
            {
                File.WriteAllText(Path.Combine(expectedDirectory, source.HintName), source.SourceText.ToString());
            }
        }

        var expectedFiles = Directory.GetFiles(expectedDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expectedFiles, generated.Select(s => s.HintName).Order(StringComparer.Ordinal).ToArray());
        foreach (var source in generated)
        {
            var expected = File.ReadAllText(Path.Combine(expectedDirectory, source.HintName));
            Assert.Equal(expected, source.SourceText.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_sources_compile_without_warnings(string caseName, string input)
    {
        var (_, output) = GeneratorHarness.Run(GeneratorHarness.ReadRepositoryFile(input));
        var problems = output.GetDiagnostics(TestContext.Current.CancellationToken)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString())
            .ToList();
        Assert.True(problems.Count == 0, caseName + ":\n" + string.Join("\n", problems));
    }
}
