using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Interpreter;

/// <summary>
/// A column that sets an enum attribute. Its text must be one of the declared values, as the generated
/// <c>TryParse</c> checks; any other text, null included, is counted as rejected and records no point
/// for the metrics that need the attribute.
/// </summary>
internal sealed class EnumColumn
{
    private readonly Dictionary<string, string> _declared;

    public EnumColumn(int ordinal, string name, AttributeSpec attribute)
    {
        Ordinal = ordinal;
        Name = name;
        _declared = attribute.EnumValues.ToDictionary(v => v.Value, v => v.Value, StringComparer.Ordinal);
    }

    public int Ordinal { get; }

    /// <summary>The column's name in metadata.yaml, as counted by <c>RejectedValueCounter</c>.</summary>
    public string Name { get; }

    /// <summary>Notes the row's declared value (the model's own string) and says whether there was one.</summary>
    public bool TryRead(RowValues row)
    {
        var declared = row.String(Ordinal) is { } text && _declared.TryGetValue(text, out var value) ? value : null;
        row.SetEnumValue(Ordinal, declared);
        return declared is not null;
    }
}
