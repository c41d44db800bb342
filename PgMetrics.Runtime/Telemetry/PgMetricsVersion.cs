using System.Reflection;

namespace PgMetrics.Runtime.Telemetry;

/// <summary>
/// The version of PgMetrics this process runs, as the build stamped it: MinVer's version from the git tags
/// (Directory.Build.props) and the commit the .NET SDK's Source Link appends to the informational version.
/// The one source of the <c>service.version</c> the collector reports about itself, its meter's version and the
/// OTLP instrumentation scope's version.
/// </summary>
public static class PgMetricsVersion
{
    private static readonly string Informational =
        typeof(PgMetricsVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The SemVer 2.0 version without build metadata: <c>1.2.3</c> on a release tag, <c>1.2.4-alpha.0.5</c> five commits after it.</summary>
    public static string Version { get; } = Informational.Split('+')[0];

    /// <summary>The full commit id (40 hex digits) the build was made from; empty when it was built outside git.</summary>
    public static string Commit { get; } = Informational.Contains('+', StringComparison.Ordinal) ? Informational[(Informational.IndexOf('+', StringComparison.Ordinal) + 1)..] : string.Empty;
}
