namespace PgMetrics.Metadata.Diagnostics;

/// <summary>
/// A place in a metadata.yaml: zero-based lines and columns, as Roslyn counts them (add 1 for what an
/// editor shows). A plain value rather than a compiler <c>Location</c>, so the same span comes from
/// <c>dotnet build</c> and from a run-time reader, and diagnostics stay equatable.
/// </summary>
/// <param name="FilePath">The path of the file, as the caller gave it to <see cref="Parsing.MetadataParser.Parse"/>.</param>
/// <param name="StartLine">The zero-based line where the span starts.</param>
/// <param name="StartColumn">The zero-based column where the span starts.</param>
/// <param name="EndLine">The zero-based line where the span ends.</param>
/// <param name="EndColumn">The zero-based column where the span ends (exclusive).</param>
public readonly record struct SourceSpan(string FilePath, int StartLine, int StartColumn, int EndLine, int EndColumn);
