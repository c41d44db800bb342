using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Reads a column as the type metadata.yaml declares, accepting the PostgreSQL types that hold such
/// values (int2/int4/int8/oid/numeric for integers, any number for doubles) without boxing. A
/// <c>timestamp</c>, <c>timestamptz</c> or <c>date</c> read as a number is its Unix time in seconds, and an
/// <c>interval</c> its length in seconds, as postgres_exporter and the OpenTelemetry sqlquery receiver
/// read them, so <c>SELECT pg_postmaster_start_time() AS start_time</c> needs no <c>EXTRACT(EPOCH …)</c>.
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

        if (type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeSpan))
        {
            return (long)Math.Floor(ReadSeconds(reader, ordinal, type));
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

        if (type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeSpan))
        {
            return ReadSeconds(reader, ordinal, type);
        }

        return ReadInt64(reader, ordinal);
    }

    /// <summary>Reads a text column; other types are converted with their text form.</summary>
    public static string ReadString(NpgsqlDataReader reader, int ordinal)
        => reader.GetFieldType(ordinal) == typeof(string) ? reader.GetString(ordinal) : Convert.ToString(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    // Npgsql would also read a timestamp as a long, but that is its raw encoding (microseconds since
    // 2000-01-01), which no one wants as a metric value. A timestamp without time zone is taken as UTC.
    private static double ReadSeconds(NpgsqlDataReader reader, int ordinal, Type type)
    {
        if (type == typeof(TimeSpan))
        {
            return reader.GetFieldValue<TimeSpan>(ordinal).TotalSeconds;
        }

        var time = type == typeof(DateOnly) ? reader.GetFieldValue<DateOnly>(ordinal).ToDateTime(TimeOnly.MinValue) : reader.GetDateTime(ordinal);
        return (DateTime.SpecifyKind(time, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds;
    }
}
