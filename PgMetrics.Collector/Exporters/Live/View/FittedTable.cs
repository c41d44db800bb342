using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live.View;

/// <summary>
/// A borderless table that fits the width it is given by leaving columns out, least important first,
/// rather than wrapping rows: at most one column (a statement's text) is flexible and takes the width
/// left over, its cells cut with an ellipsis. Spectre.Console's own table squeezes and wraps instead.
/// </summary>
internal sealed class FittedTable
{
    private const int Gap = 2;

    private readonly List<ColumnSpec> _columns = [];
    private readonly List<Cell[]> _rows = [];

    /// <summary>Declares a column, in display order.</summary>
    /// <param name="header">Its header.</param>
    /// <param name="priority">0 is kept longest; higher numbers go first when the width runs out.</param>
    /// <param name="rightAligned">Numbers are right-aligned.</param>
    /// <param name="flexibleMinimum">For the flexible column: the narrowest it may become.</param>
    public FittedTable Column(string header, int priority, bool rightAligned = true, int? flexibleMinimum = null)
    {
        _columns.Add(new ColumnSpec(header, priority, rightAligned, flexibleMinimum));
        return this;
    }

    /// <summary>Adds a row: one cell per declared column.</summary>
    public void Row(params Cell[] cells) => _rows.Add(cells);

    /// <summary>The rows so far.</summary>
    public int RowCount => _rows.Count;

    /// <summary>The table in at most <paramref name="width"/> columns of text.</summary>
    public IRenderable Build(int width)
    {
        var natural = _columns.Select((c, i) => Math.Max(c.Header.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Text.Length))).ToArray();
        var kept = new List<int>();
        foreach (var index in Enumerable.Range(0, _columns.Count).OrderBy(i => _columns[i].Priority).ThenBy(i => i))
        {
            // Strictly by priority: once a column does not fit, no less important one is shown instead.
            var tentative = kept.Append(index).ToList();
            if (Needed(tentative, natural) > width)
            {
                break;
            }

            kept = tentative;
        }

        kept.Sort();
        var widths = kept.ToDictionary(i => i, i => natural[i]);
        if (kept.FirstOrDefault(i => _columns[i].FlexibleMinimum is not null, -1) is var flexible and >= 0)
        {
            var others = kept.Where(i => i != flexible).Sum(i => natural[i]) + Gap * (kept.Count - 1);
            widths[flexible] = Math.Clamp(width - others, 1, natural[flexible]);
        }

        var table = new Table().Border(TableBorder.None).HideFooters();
        foreach (var index in kept)
        {
            var column = _columns[index];
            var tableColumn = new TableColumn(new Text(Units.Cut(column.Header, widths[index]), new Style(decoration: Decoration.Bold)))
                .Padding(0, 0, index == kept[^1] ? 0 : Gap, 0)
                .Width(widths[index])
                .NoWrap();
            table.AddColumn(column.RightAligned ? tableColumn.RightAligned() : tableColumn.LeftAligned());
        }

        foreach (var row in _rows)
        {
            table.AddRow(kept.Select(i => (IRenderable)new Text(Units.Cut(row[i].Text, widths[i]), row[i].Style ?? Style.Plain)));
        }

        return table;
    }

    private int Needed(List<int> columns, int[] natural)
        => columns.Sum(i => _columns[i].FlexibleMinimum is { } minimum ? Math.Min(minimum, natural[i]) : natural[i]) + Gap * (columns.Count - 1);

    private sealed record ColumnSpec(string Header, int Priority, bool RightAligned, int? FlexibleMinimum);
}

/// <summary>One cell of a <see cref="FittedTable"/>: plain text and an optional style.</summary>
/// <param name="Text">What it shows.</param>
/// <param name="Style">Its colour, or null for the terminal's default.</param>
internal readonly record struct Cell(string Text, Style? Style = null)
{
    /// <summary>A plain cell.</summary>
    public static implicit operator Cell(string text) => new(text);
}
