using System.Globalization;

namespace PgMetrics.Runtime.Configuration;

/// <summary>
/// Parses durations the way OpenTelemetry Collector configs write them (Go syntax): <c>500ms</c>,
/// <c>10s</c>, <c>1m30s</c>, <c>2h</c>.
/// </summary>
internal static class DurationParser
{
    private static readonly (string Suffix, long TicksPerUnit)[] Units =
    [
        ("ms", TimeSpan.TicksPerMillisecond),
        ("us", TimeSpan.TicksPerMicrosecond),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
    ];

    /// <summary>Parses <paramref name="text"/>; false with a reason when it is not a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a duration is empty; write e.g. 10s, 500ms or 1m30s";
            return false;
        }

        var rest = text.AsSpan().Trim();
        if (rest is "0")
        {
            return true;
        }

        long ticks = 0;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            var unit = default((string Suffix, long TicksPerUnit));
            foreach (var candidate in Units)
            {
                if (rest[digits..].StartsWith(candidate.Suffix, StringComparison.Ordinal))
                {
                    unit = candidate;
                    break;
                }
            }

            if (digits == 0 || unit.Suffix is null
                || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                error = $"'{text}' is not a duration; write e.g. 10s, 500ms or 1m30s (units: h, m, s, ms, us)";
                return false;
            }

            ticks += (long)(amount * unit.TicksPerUnit);
            rest = rest[(digits + unit.Suffix.Length)..];
        }

        duration = TimeSpan.FromTicks(ticks);
        return true;
    }
}
