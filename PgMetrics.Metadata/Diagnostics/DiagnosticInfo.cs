using System.Globalization;
using System.Linq;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Diagnostics;

/// <summary>
/// A mistake found in a metadata.yaml: what kind (<see cref="Descriptor"/>), where (<see cref="Span"/>)
/// and the words that fill its message. Equatable and free of compiler types; the source generator turns
/// it into a Roslyn diagnostic only when it reports it, a run-time reader prints <see cref="ToString"/>.
/// </summary>
/// <param name="Descriptor">The kind of mistake.</param>
/// <param name="Span">Where in the file the mistake is.</param>
/// <param name="MessageArguments">The values of the descriptor's message placeholders, in order.</param>
public sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, SourceSpan Span, ImmutableEquatableArray<string> MessageArguments)
{
    /// <summary>The kind's stable id, e.g. <c>PGM007</c>.</summary>
    public string Id => Descriptor.Id;

    /// <summary>The message with its placeholders filled, as <c>dotnet build</c> shows it.</summary>
    public string GetMessage()
        => string.Format(CultureInfo.InvariantCulture, Descriptor.MessageFormat, MessageArguments.Cast<object>().ToArray());

    /// <summary>The diagnostic as the compiler prints it: <c>path(line,column): error PGM007: message</c>, with 1-based line and column.</summary>
    public override string ToString()
        => Span.FilePath + "(" + (Span.StartLine + 1).ToString(CultureInfo.InvariantCulture) + "," + (Span.StartColumn + 1).ToString(CultureInfo.InvariantCulture) + "): error " + Id + ": " + GetMessage();
}
