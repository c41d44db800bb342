using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>
/// Turns the text of a metadata.yaml into a validated <see cref="MetadataSpec"/>, the one parser behind
/// both the source generator and run-time readers. Every mistake becomes a <see cref="DiagnosticInfo"/>
/// with its id, file, line and column, and all of a file's mistakes are found in one pass.
/// </summary>
/// <remarks>
/// The sections are read in partial files (attributes, queries, metrics) and the references between
/// them resolved last (MetadataParser.References.cs); <see cref="YamlMappingReader"/> checks each value
/// against the schema. Uses YamlDotNet's parser events only, no reflection, so it is trim- and AOT-safe.
/// </remarks>
public sealed partial class MetadataParser
{
    private static readonly string[] TopLevelKeys = ["type", "status", "sem_conv_version", "parent", "scope_name", "github_project", "resource_attributes", "attributes", "metrics", "queries", "tests"];
    private static readonly (string Name, AttributeType Value)[] AttributeTypes = [("string", AttributeType.String), ("int", AttributeType.Int), ("double", AttributeType.Double), ("bool", AttributeType.Bool)];

    // Query and column names become C# identifiers and match what PostgreSQL returns for unquoted names.
    private static readonly Regex SqlNamePattern = new("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant);

    private readonly string _filePath;
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private readonly List<NameLocation> _metricLocations = [];
    private readonly List<NameLocation> _queryLocations = [];
    private readonly YamlMappingReader _yaml;

    private MetadataParser(string filePath)
    {
        _filePath = filePath;
        _yaml = new YamlMappingReader(_diagnostics);
    }

    /// <summary>Parses and validates one metadata.yaml. Never throws, whatever the text.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="filePath">The path reported in every diagnostic's <see cref="SourceSpan.FilePath"/>; the file is not read.</param>
    /// <returns>The model when the file has no mistakes (else null), and every mistake found.</returns>
    public static ParseResult Parse(string text, string filePath)
    {
        try
        {
            var parser = new MetadataParser(filePath);
            var spec = parser.ParseDocument(text);
            var diagnostics = parser._diagnostics.ToImmutableEquatableArray();
            return new ParseResult(diagnostics.Count == 0 ? spec : null, diagnostics)
            {
                Locations = new MetadataLocations(parser._metricLocations.ToImmutableEquatableArray(), parser._queryLocations.ToImmutableEquatableArray()),
            };
        }
        catch (Exception ex)
        {
            // The parser is written not to throw; this turns an unforeseen bug into a located message
            // instead of an analyzer crash in the compiler or an exception in a collector's reload.
            var span = new SourceSpan(filePath, 0, 0, 0, 0);
            var internalError = new DiagnosticInfo(MetadataDiagnostics.InvalidYaml, span, new[] { "internal error: " + ex.Message }.ToImmutableEquatableArray());
            return new ParseResult(null, new[] { internalError }.ToImmutableEquatableArray());
        }
    }

    private MetadataSpec? ParseDocument(string text)
    {
        var root = YamlTreeReader.Read(text, _filePath, out var error);
        if (error is { } e)
        {
            Report(MetadataDiagnostics.InvalidYaml, e.Span, e.Message);
            return null;
        }

        if (root is null)
        {
            Report(MetadataDiagnostics.MissingKey, new SourceSpan(_filePath, 0, 0, 0, 0), "metadata.yaml", "type");
            return null;
        }

        if (!_yaml.ExpectMapping(root, "metadata.yaml", out var top))
        {
            return null;
        }

        var entries = _yaml.ReadEntries(top, "metadata.yaml", TopLevelKeys);
        var type = _yaml.RequiredString(entries, top, "metadata.yaml", "type");
        if (type is not null && !SqlNamePattern.IsMatch(type))
        {
            Report(MetadataDiagnostics.InvalidName, entries["type"].Span, type, "component type", "use lower-case letters, digits and underscores");
        }

        var resourceAttributes = ParseAttributes(entries, "resource_attributes", ResourceAttributeKeys, isResource: true);
        var attributes = ParseAttributes(entries, "attributes", AttributeKeys, isResource: false);
        var queries = ParseQueries(entries, resourceAttributes, attributes);
        var metrics = ParseMetrics(entries, attributes, queries);
        var (resolvedMetrics, resolvedQueries) = Resolve(metrics, queries);

        return new MetadataSpec(
            type ?? "metadata",
            NameFormatting.ToPascalCase(type ?? "metadata"),
            resourceAttributes.ToImmutableEquatableArray(),
            attributes.ToImmutableEquatableArray(),
            resolvedMetrics,
            resolvedQueries);
    }

    private void Report(DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments) => _yaml.Report(descriptor, span, arguments);
}
