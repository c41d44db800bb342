using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace PgMetrics.Generator.Model;

/// <summary>
/// A place in metadata.yaml (zero-based line and column, as Roslyn counts). Kept instead of a
/// Roslyn <see cref="Location"/> so the model stays free of compiler objects and equatable.
/// </summary>
internal readonly record struct SourceSpan(string FilePath, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public Location ToLocation()
    {
        var span = new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, Math.Max(EndColumn, StartColumn)));
        return Location.Create(FilePath, default, span);
    }
}
