using System.Text;
using Npgsql;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Text from <c>pg_stat_activity.query</c>: the server keeps at most <c>track_activity_query_size</c> − 1
/// bytes of a statement, cut before a whole character, so a longer statement arrives cut short, usually
/// in the middle of a constant.
/// </summary>
public static class ActivityQueryText
{
    // The longest UTF-8 character: cutting before a whole character can leave up to 3 of the bytes unused.
    private const int LongestCharacterBytes = 4;

    /// <summary>
    /// Whether <paramref name="query"/> may have been cut: its UTF-8 length in bytes reaches within one
    /// character of the limit. Bytes, not characters, are compared, as the server counts them; with a
    /// server encoding other than UTF-8 this errs towards "cut".
    /// </summary>
    /// <param name="query">The activity text.</param>
    /// <param name="trackActivityQuerySize">The server's <c>track_activity_query_size</c>, in bytes; 0 or less when unknown (never cut).</param>
    public static bool IsTruncated(string? query, long trackActivityQuerySize)
    {
        if (string.IsNullOrEmpty(query) || trackActivityQuerySize <= 0)
        {
            return false;
        }

        var kept = trackActivityQuerySize - 1;
        var threshold = kept - LongestCharacterBytes + 1;

        // Every UTF-16 code unit takes 1 to 3 bytes in UTF-8; count only when that does not decide.
        if (query.Length >= threshold)
        {
            return true;
        }

        return (long)query.Length * 3 >= threshold && Encoding.UTF8.GetByteCount(query) >= threshold;
    }

    /// <summary>Reads <c>track_activity_query_size</c> in bytes from <c>pg_settings</c>, with its unit.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="timeout">The server-side limit for the statement (<c>statement_timeout</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidCastException">The server's value cannot be read as a size.</exception>
    /// <exception cref="NpgsqlException">The server refused the statement or could not be reached.</exception>
    public static async Task<long> ReadTrackActivityQuerySizeAsync(NpgsqlConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Statement("SELECT setting, unit FROM pg_catalog.pg_settings WHERE name = 'track_activity_query_size'", connection, timeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidCastException("pg_settings has no track_activity_query_size");
        }

        return MemorySetting.ToBytes("track_activity_query_size", reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
