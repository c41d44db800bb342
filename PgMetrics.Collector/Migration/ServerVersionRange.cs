using System.Globalization;
using System.Text.RegularExpressions;

namespace PgMetrics.Collector.Migration;

/// <summary>
/// postgres_exporter's <c>runonserver</c>, a semantic-version range such as <c>&gt;=10.0.0</c> or
/// <c>&gt;=9.6.0 &lt;10.0.0</c>, as the <c>min_version</c>/<c>max_version</c> pair of metadata.yaml
/// (<c>server_version_num</c>). Written by hand: it is a handful of comparisons, and no .NET library reads
/// the Go semver range syntax.
/// </summary>
internal static partial class ServerVersionRange
{
    /// <summary>Reads <paramref name="range"/>; false when it is not a space-separated list of comparisons (an <c>||</c> is not).</summary>
    public static bool TryParse(string range, out int? minVersion, out int? maxVersion)
    {
        minVersion = null;
        maxVersion = null;
        var parts = range.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return false;
        }

        foreach (var part in parts)
        {
            var match = Comparison().Match(part);
            if (!match.Success)
            {
                return false;
            }

            var number = ServerVersionNum(match.Groups["version"].Value);
            switch (match.Groups["operator"].Value)
            {
                case ">=":
                    minVersion = Math.Max(minVersion ?? 0, number);
                    break;
                case ">":
                    minVersion = Math.Max(minVersion ?? 0, number + 1);
                    break;
                case "<=":
                    maxVersion = Math.Min(maxVersion ?? int.MaxValue, number);
                    break;
                case "<":
                    maxVersion = Math.Min(maxVersion ?? int.MaxValue, number - 1);
                    break;
                default:
                    // "=" or none: exactly this version.
                    minVersion = Math.Max(minVersion ?? 0, number);
                    maxVersion = Math.Min(maxVersion ?? int.MaxValue, number);
                    break;
            }
        }

        return true;
    }

    // PostgreSQL's own numbering: 9.6.5 is 90605; from 10 on there are two parts, so 10.3 (10.3.0 to semver) is 100003.
    private static int ServerVersionNum(string version)
    {
        var numbers = version.Split('.').Select(p => int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)).Concat([0, 0]).ToArray();
        return numbers[0] >= 10 ? (numbers[0] * 10000) + numbers[1] : (numbers[0] * 10000) + (numbers[1] * 100) + numbers[2];
    }

    [GeneratedRegex(@"^(?<operator>>=|<=|>|<|=)?v?(?<version>\d{1,2}(\.\d{1,3}){0,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Comparison();
}
