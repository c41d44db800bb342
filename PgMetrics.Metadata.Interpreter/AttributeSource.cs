using System.Globalization;
using PgMetrics.Metadata.Model;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Metadata.Interpreter;

/// <summary>Where one attribute of a recorded point comes from: a value the source fixes, an enum column, or a plain column.</summary>
internal abstract class AttributeSource
{
    /// <summary>The attribute's value for this row; false when the row has none, so no point is recorded.</summary>
    public abstract bool TryGet(RowValues row, out KeyValue value);

    public static AttributeSource From(AttributeValueSpec spec)
    {
        var attribute = spec.Attribute;
        if (spec.Column is not { } column)
        {
            return new Fixed(FixedValue(attribute, spec));
        }

        return attribute.IsEnum ? new FromEnumColumn(attribute.Name, column.Ordinal) : new FromColumn(attribute.Name, attribute.Type, column.Ordinal);
    }

    // The parser checked the fixed text against the attribute's type (PGM011) and enum (PGM009).
    private static KeyValue FixedValue(AttributeSpec attribute, AttributeValueSpec spec) => attribute.Type switch
    {
        AttributeType.Int => KeyValue.Int(attribute.Name, long.Parse(spec.FixedValue!, NumberStyles.Integer, CultureInfo.InvariantCulture)),
        AttributeType.Double => KeyValue.Double(attribute.Name, double.Parse(spec.FixedValue!, NumberStyles.Float, CultureInfo.InvariantCulture)),
        AttributeType.Bool => KeyValue.Bool(attribute.Name, spec.FixedValue == "true"),
        _ => KeyValue.String(attribute.Name, spec.FixedEnumValue?.Value ?? spec.FixedValue!),
    };

    private sealed class Fixed(KeyValue value) : AttributeSource
    {
        public override bool TryGet(RowValues row, out KeyValue result)
        {
            result = value;
            return true;
        }
    }

    private sealed class FromEnumColumn(string name, int ordinal) : AttributeSource
    {
        public override bool TryGet(RowValues row, out KeyValue result)
        {
            var declared = row.EnumValue(ordinal);
            result = declared is null ? default : KeyValue.String(name, declared);
            return declared is not null;
        }
    }

    private sealed class FromColumn(string name, AttributeType type, int ordinal) : AttributeSource
    {
        public override bool TryGet(RowValues row, out KeyValue result)
        {
            result = row.IsNull(ordinal) ? default : row.ToKeyValue(ordinal, name, type);
            return !row.IsNull(ordinal);
        }
    }
}
