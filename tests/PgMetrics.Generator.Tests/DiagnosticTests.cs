using System.Globalization;
using Microsoft.CodeAnalysis;
using PgMetrics.Generator.Tests.Infrastructure;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Parsing;
using PgMetrics.Tests.Shared;

namespace PgMetrics.Generator.Tests;

/// <summary>Each mistake in metadata.yaml is reported with its id, file, line and column, and no code is generated.</summary>
public sealed class DiagnosticTests
{
    public static TheoryData<string, string, int, int> Cases => MetadataDiagnosticCases.All;

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_mistake_is_reported_with_its_id_and_position(string yaml, string id, int line, int column)
    {
        var (result, _) = GeneratorHarness.Run(yaml);

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        var position = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.MetadataPath, position.Path);
        Assert.Equal((line, column), (position.StartLinePosition.Line + 1, position.StartLinePosition.Character + 1));
        Assert.Empty(result.Results.Single().GeneratedSources);
    }

    [Fact]
    public void A_histogram_with_a_source_is_told_which_method_records_it_from_code()
    {
        var (result, _) = GeneratorHarness.Run("type: x\nmetrics:\n  a.b:\n    enabled: true\n    description: d\n    unit: s\n    histogram: {value_type: double}\n    source: {query: q, column: n}\n" + MetadataDiagnosticCases.ValidQuery);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("PGM015", diagnostic.Id);
        Assert.Contains("RecordABDataPoint(timeUnixNano, count, sum, explicitBounds, bucketCounts)", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_generator_and_the_metadata_library_report_the_same_mistake_identically(string yaml, string id, int line, int column)
    {
        var (result, _) = GeneratorHarness.Run(yaml);
        var library = MetadataParser.Parse(yaml, GeneratorHarness.MetadataPath);

        var fromBuild = result.Diagnostics.Select(d => (d.Id, d.Location.GetLineSpan().Path, d.Location.GetLineSpan().StartLinePosition.Line, d.Location.GetLineSpan().StartLinePosition.Character, d.GetMessage(CultureInfo.InvariantCulture))).ToList();
        var fromLibrary = library.Diagnostics.Select(d => (d.Id, d.Span.FilePath, d.Span.StartLine, d.Span.StartColumn, d.GetMessage())).ToList();
        Assert.Equal(fromBuild, fromLibrary);
        Assert.Contains(fromLibrary, d => d.Id == id && (d.StartLine + 1, d.StartColumn + 1) == (line, column));
        Assert.Null(library.Spec);
    }

    [Fact]
    public void A_run_time_reader_prints_a_mistake_as_the_compiler_does()
    {
        const string Yaml = "type: x\ncolour: blue\n";
        var (result, _) = GeneratorHarness.Run(Yaml);

        var printed = Assert.Single(MetadataParser.Parse(Yaml, GeneratorHarness.MetadataPath).Diagnostics).ToString();

        Assert.Equal(Assert.Single(result.Diagnostics).ToString(), printed);
        Assert.StartsWith(GeneratorHarness.MetadataPath + "(2,1): error PGM002: Unknown key 'colour'", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_diagnostic_id_is_documented_once_with_a_distinct_title()
    {
        var documentation = GeneratorHarness.ReadRepositoryFile("docs/diagnostics.md");
        var ids = MetadataDiagnostics.All.Select(d => d.Id).ToList();

        Assert.Equal(16, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ids.Count, MetadataDiagnostics.All.Select(d => d.Title).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Contains("## " + id + "\n", documentation, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_metadata_descriptor_is_reported_to_Roslyn_as_an_error_with_its_help_link()
    {
        foreach (var descriptor in MetadataDiagnostics.All)
        {
            var roslyn = descriptor.ToRoslyn();
            Assert.Equal((descriptor.Id, descriptor.Title, descriptor.MessageFormat), (roslyn.Id, roslyn.Title.ToString(CultureInfo.InvariantCulture), roslyn.MessageFormat.ToString(CultureInfo.InvariantCulture)));
            Assert.Equal(DiagnosticSeverity.Error, roslyn.DefaultSeverity);
            Assert.Equal("https://github.com/pgmetrics/pgmetrics/blob/main/docs/diagnostics.md#" + descriptor.Id.ToLowerInvariant(), roslyn.HelpLinkUri);
        }
    }
}
