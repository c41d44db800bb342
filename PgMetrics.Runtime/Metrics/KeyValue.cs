using System.Globalization;

namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// An attribute: a key and a typed value. A struct holding the value unboxed, so recording a data
/// point with attributes allocates nothing.
/// </summary>
public readonly struct KeyValue : IEquatable<KeyValue>
{
    private readonly string? _text;
    private readonly long _bits;

    private KeyValue(string key, AttributeValueKind kind, string? text, long bits)
    {
        Key = key;
        Kind = kind;
        _text = text;
        _bits = bits;
    }

    /// <summary>The attribute name.</summary>
    public string Key { get; }

    /// <summary>The type of the value.</summary>
    public AttributeValueKind Kind { get; }

    /// <summary>The value when <see cref="Kind"/> is <see cref="AttributeValueKind.String"/>.</summary>
    public string StringValue => _text ?? string.Empty;

    /// <summary>The value when <see cref="Kind"/> is <see cref="AttributeValueKind.Int"/>.</summary>
    public long IntValue => _bits;

    /// <summary>The value when <see cref="Kind"/> is <see cref="AttributeValueKind.Double"/>.</summary>
    public double DoubleValue => BitConverter.Int64BitsToDouble(_bits);

    /// <summary>The value when <see cref="Kind"/> is <see cref="AttributeValueKind.Bool"/>.</summary>
    public bool BoolValue => _bits != 0;

    /// <summary>A text attribute.</summary>
    public static KeyValue String(string key, string value) => new(key, AttributeValueKind.String, value, 0);

    /// <summary>An integer attribute.</summary>
    public static KeyValue Int(string key, long value) => new(key, AttributeValueKind.Int, null, value);

    /// <summary>A floating-point attribute.</summary>
    public static KeyValue Double(string key, double value) => new(key, AttributeValueKind.Double, null, BitConverter.DoubleToInt64Bits(value));

    /// <summary>A boolean attribute.</summary>
    public static KeyValue Bool(string key, bool value) => new(key, AttributeValueKind.Bool, null, value ? 1 : 0);

    /// <summary>The value as text, for people.</summary>
    public string FormatValue() => Kind switch
    {
        AttributeValueKind.String => StringValue,
        AttributeValueKind.Int => IntValue.ToString(CultureInfo.InvariantCulture),
        AttributeValueKind.Double => DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        _ => BoolValue ? "true" : "false",
    };

    /// <inheritdoc/>
    public bool Equals(KeyValue other)
        => Key == other.Key && Kind == other.Kind && _bits == other._bits && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is KeyValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, Kind, _text, _bits);

    /// <inheritdoc/>
    public override string ToString() => Key + "=" + FormatValue();
}
