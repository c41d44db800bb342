using Npgsql;
using PgMetrics.Metadata.Model;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Metadata.Interpreter;

/// <summary>
/// The current row of a query, read by ordinal as the declared column types say, with the same
/// <see cref="ColumnReader"/> calls the generated row struct makes. Typed slots per column, so a
/// number is never boxed; reused for every row of one result.
/// </summary>
internal sealed class RowValues
{
    private readonly AttributeType[] _types;
    private readonly bool[] _null;
    private readonly long[] _ints;
    private readonly double[] _doubles;
    private readonly string?[] _strings;
    private readonly bool[] _bools;
    private readonly string?[] _enumValues;

    public RowValues(AttributeType[] types)
    {
        _types = types;
        _null = new bool[types.Length];
        _ints = new long[types.Length];
        _doubles = new double[types.Length];
        _strings = new string?[types.Length];
        _bools = new bool[types.Length];
        _enumValues = new string?[types.Length];
    }

    /// <summary>Reads every column of the reader's current row.</summary>
    public void Read(NpgsqlDataReader reader)
    {
        for (var i = 0; i < _types.Length; i++)
        {
            _enumValues[i] = null;
            _null[i] = reader.IsDBNull(i);
            if (_null[i])
            {
                continue;
            }

            switch (_types[i])
            {
                case AttributeType.Int:
                    _ints[i] = ColumnReader.ReadInt64(reader, i);
                    break;
                case AttributeType.Double:
                    _doubles[i] = ColumnReader.ReadDouble(reader, i);
                    break;
                case AttributeType.Bool:
                    _bools[i] = reader.GetBoolean(i);
                    break;
                default:
                    _strings[i] = ColumnReader.ReadString(reader, i);
                    break;
            }
        }
    }

    public bool IsNull(int ordinal) => _null[ordinal];

    public string? String(int ordinal) => _null[ordinal] ? null : _strings[ordinal];

    /// <summary>The declared enum value the column holds in this row, or null when it holds an undeclared one (see <see cref="EnumColumn"/>).</summary>
    public string? EnumValue(int ordinal) => _enumValues[ordinal];

    public void SetEnumValue(int ordinal, string? declared) => _enumValues[ordinal] = declared;

    /// <summary>A data point value: the column as an integer metric reads it.</summary>
    public long Int(int ordinal) => _ints[ordinal];

    /// <summary>A data point value: the column as a double metric reads it (an int column converts, as in generated code).</summary>
    public double Double(int ordinal) => _types[ordinal] == AttributeType.Int ? _ints[ordinal] : _doubles[ordinal];

    /// <summary>The non-null column as an attribute of <paramref name="type"/>; PGM016 guarantees the column's type fits.</summary>
    public KeyValue ToKeyValue(int ordinal, string name, AttributeType type) => type switch
    {
        AttributeType.Int => KeyValue.Int(name, _ints[ordinal]),
        AttributeType.Double => KeyValue.Double(name, Double(ordinal)),
        AttributeType.Bool => KeyValue.Bool(name, _bools[ordinal]),
        _ => KeyValue.String(name, _strings[ordinal]!),
    };
}
