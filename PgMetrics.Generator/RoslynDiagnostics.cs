using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using PgMetrics.Metadata.Diagnostics;

namespace PgMetrics.Generator;

/// <summary>
/// The edge between PgMetrics.Metadata's compiler-free diagnostics and Roslyn: one Roslyn descriptor per
/// metadata descriptor, and a <see cref="Location"/> per <see cref="SourceSpan"/>, made only when reported.
/// </summary>
internal static class RoslynDiagnostics
{
    private const string Category = "PgMetrics.Metadata";

    private static readonly Dictionary<string, Microsoft.CodeAnalysis.DiagnosticDescriptor> Descriptors = MetadataDiagnostics.All.ToDictionary(
        d => d.Id,
        d => new Microsoft.CodeAnalysis.DiagnosticDescriptor(d.Id, d.Title, d.MessageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: d.HelpLinkUri));

    /// <summary>The Roslyn descriptor for a metadata descriptor's id.</summary>
    public static Microsoft.CodeAnalysis.DiagnosticDescriptor ToRoslyn(this PgMetrics.Metadata.Diagnostics.DiagnosticDescriptor descriptor) => Descriptors[descriptor.Id];

    public static Diagnostic ToDiagnostic(this DiagnosticInfo info)
        => Diagnostic.Create(info.Descriptor.ToRoslyn(), info.Span.ToLocation(), info.MessageArguments.Cast<object>().ToArray());

    public static Location ToLocation(this SourceSpan span)
    {
        var lines = new LinePositionSpan(new LinePosition(span.StartLine, span.StartColumn), new LinePosition(span.EndLine, System.Math.Max(span.EndColumn, span.StartColumn)));
        return Location.Create(span.FilePath, default, lines);
    }
}
