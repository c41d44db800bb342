using System.Text.RegularExpressions;

namespace PgMetrics.Runtime.Configuration;

/// <summary>
/// Expands <c>${env:VAR}</c> (or <c>${VAR}</c>) and <c>${file:path}</c> in config values, as the OpenTelemetry
/// Collector's env and file providers do, so secrets stay out of the file. An expanded value is never
/// shown in a message: <see cref="Shown"/> gives the text as written instead.
/// </summary>
internal static partial class SecretExpansion
{
    /// <summary>Whether a value was written with a reference, so its expanded form must not be shown.</summary>
    public static bool HasReference(string raw) => raw.Contains("${", StringComparison.Ordinal);

    /// <summary>The value with every reference replaced; null when one cannot be (each failure reported to <paramref name="error"/>).</summary>
    public static string? Expand(string raw, Func<string, string?> environment, Action<string> error)
    {
        var failed = false;
        var expanded = Reference().Replace(raw, match =>
        {
            var source = match.Groups["source"].Success ? match.Groups["source"].Value : "env";
            var name = match.Groups["name"].Value;
            if (source == "env")
            {
                if (environment(name) is { } value)
                {
                    return value;
                }

                error($"environment variable {name} is not set");
            }
            else
            {
                try
                {
                    return File.ReadAllText(name).TrimEnd('\r', '\n');
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    error($"cannot read {name}: {ex.Message}");
                }
            }

            failed = true;
            return string.Empty;
        });

        return failed ? null : expanded;
    }

    /// <summary>How a value is shown in a message: as written when it came from <c>${...}</c>, so an expanded secret never is.</summary>
    public static string Shown(string raw, string value) => HasReference(raw) ? raw : value;

    [GeneratedRegex(@"\$\{(?:(?<source>env|file):)?(?<name>[^}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
