using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>
/// One line of labelled figures that fits the width it is given by leaving figures out, least important
/// first, rather than wrapping; what is left keeps its order.
/// </summary>
internal sealed class FittedLine
{
    private const string Separator = "  ";

    private readonly List<(string Label, string Value, Style? Style, int Priority)> _items = [];

    /// <summary>Adds a figure: a dim label and its value (an empty label shows the value alone).</summary>
    /// <param name="priority">0 is kept longest; higher numbers go first.</param>
    public FittedLine Add(string label, string value, int priority, Style? style = null)
    {
        _items.Add((label, value, style, priority));
        return this;
    }

    /// <summary>The line in at most <paramref name="width"/> characters; the most important figure is cut if even it alone is too long.</summary>
    public IRenderable Build(int width)
    {
        var kept = new List<int>();
        var used = 0;
        foreach (var index in Enumerable.Range(0, _items.Count).OrderBy(i => _items[i].Priority).ThenBy(i => i))
        {
            // Strictly by priority: once a figure does not fit, no less important one is shown instead.
            var length = Length(index) + (kept.Count == 0 ? 0 : Separator.Length);
            if (used + length > width && kept.Count > 0)
            {
                break;
            }

            kept.Add(index);
            used += length;
        }

        kept.Sort();
        var line = new Paragraph();
        var written = 0;
        foreach (var index in kept)
        {
            var (label, value, style, _) = _items[index];
            var text = (written == 0 ? string.Empty : Separator) + (label.Length == 0 ? string.Empty : label + " ");
            line.Append(Units.Cut(text, width - written), new Style(Color.Grey));
            written = Math.Min(width, written + text.Length);
            line.Append(Units.Cut(value, width - written), style ?? Style.Plain);
            written = Math.Min(width, written + value.Length);
        }

        return line.Overflow(Overflow.Crop);
    }

    private int Length(int index) => (_items[index].Label.Length == 0 ? 0 : _items[index].Label.Length + 1) + _items[index].Value.Length;
}
