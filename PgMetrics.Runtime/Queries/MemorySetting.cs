using System.Globalization;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// A memory setting as <c>pg_settings</c> gives it: <c>setting</c> counts units of <c>unit</c> (<c>B</c>, <c>kB</c>,
/// <c>8kB</c>, <c>MB</c>, …), so <c>track_activity_query_size = '1MB'</c> reads as setting 1048576, unit B on
/// PostgreSQL 13+, and an integer without unit (bytes) on 12. <c>current_setting()</c> would give '1MB'.
/// </summary>
public static class MemorySetting
{
    /// <summary>The setting in bytes.</summary>
    /// <param name="name">The setting's name, for the error message.</param>
    /// <param name="setting"><c>pg_settings.setting</c>.</param>
    /// <param name="unit"><c>pg_settings.unit</c>: null or empty for plain bytes, else an optional count and B, kB, MB, GB or TB.</param>
    /// <exception cref="InvalidCastException">The setting is not an integer, or the unit is not a memory unit; the message names both.</exception>
    public static long ToBytes(string name, string setting, string? unit)
    {
        if (!long.TryParse(setting, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new InvalidCastException($"pg_settings.{name}: setting '{setting}' is not an integer");
        }

        if (string.IsNullOrEmpty(unit))
        {
            return value;
        }

        var digits = 0;
        while (digits < unit.Length && char.IsAsciiDigit(unit[digits]))
        {
            digits++;
        }

        var count = digits == 0 ? 1 : long.Parse(unit.AsSpan(0, digits), CultureInfo.InvariantCulture);
        long? multiplier = unit[digits..] switch
        {
            "B" => 1L,
            "kB" => 1L << 10,
            "MB" => 1L << 20,
            "GB" => 1L << 30,
            "TB" => 1L << 40,
            _ => null,
        };
        return multiplier is { } bytes
            ? checked(value * count * bytes)
            : throw new InvalidCastException($"pg_settings.{name}: unit '{unit}' is not a memory unit (B, kB, MB, GB, TB)");
    }
}
