using System.Linq;
using Microsoft.CodeAnalysis;

namespace PgMetrics.Generator.Model;

/// <summary>An equatable stand-in for a <see cref="Diagnostic"/>, turned into one only when reported.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, SourceSpan Span, ImmutableEquatableArray<string> MessageArguments)
{
    public Diagnostic ToDiagnostic()
        => Diagnostic.Create(Descriptor, Span.ToLocation(), MessageArguments.Cast<object>().ToArray());
}
