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

    /// <summary>
    /// Reads a text column; a <c>bytea</c> column is read as UTF-8 text (<see cref="DecodeName"/>), and other
    /// types are converted with their text form.
    /// </summary>
    public static string ReadString(NpgsqlDataReader reader, int ordinal)
    {
        var type = reader.GetFieldType(ordinal);
        if (type == typeof(string))
        {
            return reader.GetString(ordinal);
        }

        return type == typeof(byte[])
            ? DecodeName(reader.GetFieldValue<byte[]>(ordinal))
            : Convert.ToString(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    /// <summary>
    /// UTF-8 bytes as text, each byte that is not part of a valid UTF-8 sequence written as <c>\xNN</c> (two lower-case
    /// hex digits, as in PostgreSQL's <c>E'…'</c> strings). An <c>SQL_ASCII</c> database stores names as bytes the server
    /// never checks, and sends a name that is not valid UTF-8 to a UTF-8 client only as an error (22021) that costs the
    /// whole query; metadata.yaml reads such names as <c>bytea</c> (<c>convert_to</c>) and this keeps each one
    /// distinct and findable instead of folding invalid bytes into U+FFFD.
    /// </summary>
    public static string DecodeName(ReadOnlySpan<byte> bytes)
    {
        var text = new System.Text.StringBuilder(bytes.Length);
        Span<char> chars = stackalloc char[256];
        while (!bytes.IsEmpty)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
            text.Append(chars[..written]);
            bytes = bytes[read..];
            if (status == System.Buffers.OperationStatus.InvalidData || status == System.Buffers.OperationStatus.NeedMoreData)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{bytes[0]:x2}");
                bytes = bytes[1..];
            }
        }

        return text.ToString();
    }

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
