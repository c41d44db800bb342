using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Reads a column as the type metadata.yaml declares, accepting the PostgreSQL types that hold such
/// values (int2/int4/int8/oid/numeric for integers, any number for doubles) without boxing.
/// </summary>
public static class ColumnReader
{
    /// <summary>Reads an integer column.</summary>
    public static long ReadInt64(NpgsqlDataReader reader, int ordinal)
    {
        var type = reader.GetFieldType(ordinal);
        if (type == typeof(long))
        {
            return reader.GetInt64(ordinal);
        }

        if (type == typeof(int))
        {
            return reader.GetInt32(ordinal);
        }

        if (type == typeof(short))
        {
            return reader.GetInt16(ordinal);
        }

        if (type == typeof(uint))
        {
            return reader.GetFieldValue<uint>(ordinal);
        }

        if (type == typeof(decimal))
        {
            return (long)decimal.Truncate(reader.GetDecimal(ordinal));
        }

        if (type == typeof(double))
        {
            return (long)reader.GetDouble(ordinal);
        }

        return reader.GetFieldValue<long>(ordinal);
    }

    /// <summary>Reads a floating-point column.</summary>
    public static double ReadDouble(NpgsqlDataReader reader, int ordinal)
    {
        var type = reader.GetFieldType(ordinal);
        if (type == typeof(double))
        {
            return reader.GetDouble(ordinal);
        }

        if (type == typeof(float))
        {
            return reader.GetFloat(ordinal);
        }

        if (type == typeof(decimal))
        {
            return (double)reader.GetDecimal(ordinal);
        }

        return ReadInt64(reader, ordinal);
    }

    /// <summary>Reads a text column; other types are converted with their text form.</summary>
    public static string ReadString(NpgsqlDataReader reader, int ordinal)
        => reader.GetFieldType(ordinal) == typeof(string) ? reader.GetString(ordinal) : Convert.ToString(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
}
