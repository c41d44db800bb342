using System.Globalization;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>Figures as short text for people: rates, bytes (1024-based, as pg_size_pretty), durations, ratios; a dash for what is unknown.</summary>
internal static class Units
{
    /// <summary>What an unknown figure shows.</summary>
    public const string Unknown = "–";

    private static readonly string[] ByteUnits = ["B", "kB", "MB", "GB", "TB", "PB"];

    /// <summary>A rate or count with about three significant digits: <c>0.4</c>, <c>12.3</c>, <c>456</c>, <c>7.9k</c>, <c>1.2M</c>.</summary>
    public static string Number(double? value) => value switch
    {
        null => Unknown,
        < 99.95 and > -99.95 => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
        < 9999.5 and > -9999.5 => value.Value.ToString("0", CultureInfo.InvariantCulture),
        < 999_950 and > -999_950 => (value.Value / 1000).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        _ => (value.Value / 1_000_000).ToString("0.0", CultureInfo.InvariantCulture) + "M",
    };

    /// <summary>A whole count with thousands separators.</summary>
    public static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? Unknown;

    /// <summary>Bytes: <c>512 B</c>, <c>1.5 kB</c>, <c>23 MB</c>.</summary>
    public static string Bytes(double? bytes)
    {
        if (bytes is not { } value)
        {
            return Unknown;
        }

        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < ByteUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var format = unit == 0 || Math.Abs(value) >= 10 ? "0" : "0.0";
        return value.ToString(format, CultureInfo.InvariantCulture) + " " + ByteUnits[unit];
    }

    /// <summary>Bytes per second: <c>1.5 MB/s</c>.</summary>
    public static string BytesPerSecond(double? bytes) => bytes is null ? Unknown : Bytes(bytes) + "/s";

    /// <summary>A duration given in seconds: <c>850 ms</c>, <c>12.3 s</c>, <c>5 min 3 s</c>, <c>2 h 5 min</c>, <c>3 d 4 h</c>.</summary>
    public static string Duration(double? seconds) => seconds switch
    {
        null => Unknown,
        < 0.001 => (seconds.Value * 1_000_000).ToString("0", CultureInfo.InvariantCulture) + " µs",
        < 1 => (seconds.Value * 1000).ToString(seconds.Value < 0.01 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms",
        < 60 => seconds.Value.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        < 3600 => $"{(int)(seconds.Value / 60)} min {(int)(seconds.Value % 60)} s",
        < 86400 => $"{(int)(seconds.Value / 3600)} h {(int)(seconds.Value % 3600 / 60)} min",
        _ => $"{(int)(seconds.Value / 86400)} d {(int)(seconds.Value % 86400 / 3600)} h",
    };

    /// <summary>A ratio from 0 to 1 as a percentage: <c>99.8 %</c>.</summary>
    public static string Percent(double? ratio) => ratio is null ? Unknown : (ratio.Value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>Text cut to <paramref name="width"/> characters, an ellipsis marking the cut.</summary>
    public static string Cut(string text, int width)
        => text.Length <= width ? text : width <= 1 ? text[..Math.Max(width, 0)] : text[..(width - 1)] + "…";
}
