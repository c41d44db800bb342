using System.Text.RegularExpressions;
using PgMetrics.Generator.Tests.Infrastructure;
using PgMetrics.Metadata.Parsing;

namespace PgMetrics.Generator.Tests;

/// <summary>The metadata files the README and docs/ show are valid, and the custom metrics file docs/custom-metrics.md shows is the one the tests use both ways.</summary>
public sealed partial class DocumentationExamplesTests
{
    public static TheoryData<string> Documents => new(["README.md", .. Directory.GetFiles(GeneratorHarness.RepositoryPath("docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f)).Order()]);

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_metadata_file_a_document_shows_is_valid(string document)
    {
        foreach (var example in MetadataExamples(GeneratorHarness.ReadRepositoryFile(document)))
        {
            var parsed = MetadataParser.Parse(example, document);
            Assert.True(parsed.Spec is not null, $"{document}:\n{string.Join("\n", parsed.Diagnostics)}\n{example}");
        }
    }

    [Fact]
    public void The_custom_metrics_page_shows_the_file_the_tests_read_both_ways_and_the_mistake_it_quotes_is_reported_as_quoted()
    {
        var page = GeneratorHarness.ReadRepositoryFile("docs/custom-metrics.md");
        var shown = MetadataExamples(page).First();
        var tested = GeneratorHarness.ReadRepositoryFile("tests/PgMetrics.IntegrationTests/CustomMetrics/metadata.yaml");

        Assert.Equal(MetadataParser.Parse(tested, "tested").Spec, MetadataParser.Parse(shown, "shown").Spec);
        var typo = MetadataParser.Parse(shown.Replace("column: revenue}", "column: revnue}", StringComparison.Ordinal), "/etc/pgmetrics/shop.yaml");
        Assert.Contains(Assert.Single(typo.Diagnostics).ToString(), Whitespace().Replace(page, " "), StringComparison.Ordinal);
    }

    // ```yaml blocks that are whole metadata files: they start with the file's type.
    private static IEnumerable<string> MetadataExamples(string markdown)
        => YamlBlock().Matches(markdown).Select(m => m.Groups["yaml"].Value).Where(yaml => yaml.StartsWith("type: ", StringComparison.Ordinal));

    [GeneratedRegex("```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
