using System.Globalization;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// The answer to one admin console SHOW command: its column names and its rows as the text the simple
/// query protocol sends. Columns are looked up by name, so a column that one PgBouncer version lacks is
/// simply absent and one that a newer version adds is never read.
/// </summary>
public sealed class ShowResult
{
    private readonly Dictionary<string, int> _ordinals;

    /// <summary>Creates a result from its column names (as RowDescription gives them) and rows (null for NULL).</summary>
    public ShowResult(string command, IReadOnlyList<string> columns, IReadOnlyList<string?[]> rows)
    {
        Command = command;
        Columns = columns;
        Rows = rows;
        _ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            _ordinals.TryAdd(columns[i], i);
        }
    }

    /// <summary>The command, e.g. <c>SHOW POOLS</c>.</summary>
    public string Command { get; }

    /// <summary>The column names in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows; each value is the column's text, or null for NULL.</summary>
    public IReadOnlyList<string?[]> Rows { get; }

    /// <summary>The position of a column, or -1 when this PgBouncer version does not have it.</summary>
    public int Ordinal(string column) => _ordinals.TryGetValue(column, out var ordinal) ? ordinal : -1;

    /// <summary>The first of <paramref name="columns"/> this version has (a column renamed between versions), or -1.</summary>
    public int Ordinal(params ReadOnlySpan<string> columns)
    {
        foreach (var column in columns)
        {
            if (Ordinal(column) is var ordinal and >= 0)
            {
                return ordinal;
            }
        }

        return -1;
    }

    /// <summary>A row's text at <paramref name="ordinal"/>, or null when the column is absent or NULL.</summary>
    public static string? Text(string?[] row, int ordinal) => ordinal >= 0 && ordinal < row.Length ? row[ordinal] : null;

    /// <summary>A row's value at <paramref name="ordinal"/> as a whole number, or null when absent, NULL or not a number.</summary>
    public static long? Int64(string?[] row, int ordinal)
        => long.TryParse(Text(row, ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
