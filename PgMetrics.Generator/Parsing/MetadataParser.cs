using System.Collections.Generic;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using PgMetrics.Generator.Model;

namespace PgMetrics.Generator.Parsing;

/// <summary>
/// Turns the text of a metadata.yaml into a <see cref="MetadataSpec"/>. Every problem becomes a
/// diagnostic with the file, line and column; nothing here throws on any input. The sections are read
/// in partial files (attributes, queries, metrics) and the references between them resolved last
/// (MetadataParser.References.cs); <see cref="YamlMappingReader"/> checks each value against the schema.
/// </summary>
internal sealed partial class MetadataParser
{
    private static readonly string[] TopLevelKeys = ["type", "status", "sem_conv_version", "parent", "scope_name", "github_project", "resource_attributes", "attributes", "metrics", "queries", "tests"];
    private static readonly (string Name, AttributeType Value)[] AttributeTypes = [("string", AttributeType.String), ("int", AttributeType.Int), ("double", AttributeType.Double), ("bool", AttributeType.Bool)];

    // Query and column names become C# identifiers and match what PostgreSQL returns for unquoted names.
    private static readonly Regex SqlNamePattern = new("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant);

    private readonly string _filePath;
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private readonly YamlMappingReader _yaml;

    private MetadataParser(string filePath)
    {
        _filePath = filePath;
        _yaml = new YamlMappingReader(_diagnostics);
    }

    public static ParseResult Parse(string text, string filePath, string generatedNamespace)
    {
        var parser = new MetadataParser(filePath);
        var spec = parser.ParseDocument(text, generatedNamespace);
        var diagnostics = parser._diagnostics.ToImmutableEquatableArray();
        return new ParseResult(diagnostics.Count == 0 ? spec : null, diagnostics);
    }

    private MetadataSpec? ParseDocument(string text, string generatedNamespace)
    {
        var root = YamlTreeReader.Read(text, _filePath, out var error);
        if (error is { } e)
        {
            Report(DiagnosticDescriptors.InvalidYaml, e.Span, e.Message);
            return null;
        }

        if (root is null)
        {
            Report(DiagnosticDescriptors.MissingKey, new SourceSpan(_filePath, 0, 0, 0, 0), "metadata.yaml", "type");
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
            Report(DiagnosticDescriptors.InvalidName, entries["type"].Span, type, "component type", "use lower-case letters, digits and underscores");
        }

        var resourceAttributes = ParseAttributes(entries, "resource_attributes", ResourceAttributeKeys, isResource: true);
        var attributes = ParseAttributes(entries, "attributes", AttributeKeys, isResource: false);
        var queries = ParseQueries(entries, resourceAttributes, attributes);
        var metrics = ParseMetrics(entries, attributes, queries);
        var (resolvedMetrics, resolvedQueries) = Resolve(metrics, queries);

        return new MetadataSpec(
            generatedNamespace,
            type ?? "metadata",
            NameFormatting.ToPascalCase(type ?? "metadata"),
            resourceAttributes.ToImmutableEquatableArray(),
            attributes.ToImmutableEquatableArray(),
            resolvedMetrics,
            resolvedQueries);
    }

    private void Report(DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments) => _yaml.Report(descriptor, span, arguments);
}
