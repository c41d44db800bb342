using System.Text;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>
/// A trend in one line of block characters (▁▂▃▄▅▆▇█), scaled from zero to the largest value shown; plain
/// ASCII where the terminal has no Unicode. Hand-written: Spectre.Console has bar and breakdown charts,
/// which take several lines each, and no sparkline.
/// </summary>
internal static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";
    private const string Ascii = "_.-=+*#@";

    /// <summary>The last <paramref name="width"/> values as a sparkline; empty when there are none.</summary>
    public static string Render(IReadOnlyCollection<double> values, int width, bool unicode)
    {
        var shown = values.Skip(Math.Max(0, values.Count - width)).ToArray();
        if (shown.Length == 0)
        {
            return string.Empty;
        }

        var levels = unicode ? Blocks : Ascii;
        var max = shown.Max();
        var line = new StringBuilder(shown.Length);
        foreach (var value in shown)
        {
            var level = max <= 0 || value <= 0 ? 0 : (int)Math.Round(value / max * (levels.Length - 1));
            line.Append(levels[Math.Clamp(level, 0, levels.Length - 1)]);
        }

        return line.ToString();
    }
}
