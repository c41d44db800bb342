using System;
using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using PgMetrics.Generator.Emit;
using PgMetrics.Metadata.Parsing;

namespace PgMetrics.Generator;

/// <summary>
/// Reads every <c>metadata.yaml</c> given to the compilation as an AdditionalFile and emits typed
/// metric builders, per-metric config and SQL row mappers for it.
/// </summary>
/// <remarks>
/// Parsing (PgMetrics.Metadata) yields an equatable model, so an edit elsewhere in the project leaves
/// every step cached. Sources and diagnostics are two outputs: diagnostics carry positions, and keeping
/// them apart means a line moved in metadata.yaml does not force the sources to be regenerated. The
/// namespace joins only at the source output, so a changed RootNamespace does not parse again.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class MetricsGenerator : IIncrementalGenerator
{
    /// <summary>Pipeline step names, so tests can assert what was cached.</summary>
    public static class TrackingNames
    {
        /// <summary>The metadata.yaml files read from AdditionalFiles.</summary>
        public const string MetadataFiles = nameof(MetadataFiles);

        /// <summary>Each file parsed into a spec and its diagnostics.</summary>
        public const string Parsed = nameof(Parsed);

        /// <summary>The specs the sources are emitted from.</summary>
        public const string Specs = nameof(Specs);

        /// <summary>The diagnostics reported.</summary>
        public const string Diagnostics = nameof(Diagnostics);
    }

    private const string MetadataFileName = "metadata.yaml";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var value) && !string.IsNullOrWhiteSpace(value) ? value : "PgMetrics.Generated");

        var files = context.AdditionalTextsProvider
            .Where(static file => string.Equals(Path.GetFileName(file.Path), MetadataFileName, StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => new MetadataFile(file.Path, file.GetText(cancellationToken)?.ToString() ?? string.Empty))
            .WithTrackingName(TrackingNames.MetadataFiles);

        var parsed = files
            .Select(static (file, _) => MetadataParser.Parse(file.Text, file.Path))
            .WithTrackingName(TrackingNames.Parsed);

        var specs = parsed
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(TrackingNames.Specs);

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(specs.Combine(rootNamespace), static (output, input) =>
        {
            var (spec, projectNamespace) = input;
            if (spec is null)
            {
                return;
            }

            foreach (var (hintName, source) in MetricsEmitter.Emit(spec, projectNamespace + ".Metadata"))
            {
                output.AddSource(hintName, SourceText.From(source, System.Text.Encoding.UTF8));
            }
        });

        context.RegisterSourceOutput(diagnostics, static (output, items) =>
        {
            foreach (var item in items)
            {
                output.ReportDiagnostic(item.ToDiagnostic());
            }
        });
    }

    private sealed record MetadataFile(string Path, string Text);
}
