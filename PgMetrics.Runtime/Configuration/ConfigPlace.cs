namespace PgMetrics.Runtime.Configuration;

/// <summary>Where a config value is: a line and column of a file (1-based), or a .NET configuration path such as <c>PgMetrics:Receivers:postgresql:endpoint</c>.</summary>
/// <param name="Line">1-based; 0 when the value has no line.</param>
/// <param name="Column">1-based; 0 when the value has no line.</param>
/// <param name="Setting">The configuration path, for values from .NET configuration; null for files.</param>
internal readonly record struct ConfigPlace(int Line, int Column, string? Setting = null);
