namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Normalizes PostgreSQL SQL text the way pg_stat_statements shows it, and fingerprints it, so a statement
/// as the application sent it (<c>pg_stat_activity.query</c>) and the server's normalized text of it
/// (<c>pg_stat_statements.query</c>, on any version 12–18) get the same fingerprint. Every constant
/// PostgreSQL's parser records (strings of every kind, numbers with their sign, typed literals' strings,
/// <c>TRUE</c>/<c>FALSE</c>/<c>NULL</c>, <c>EXTRACT</c> fields, savepoint names, <c>SET</c> values: see
/// <see cref="SqlConstantRules"/>) becomes <c>$n</c>; lists of constants in <c>IN (…)</c> and <c>ARRAY[…]</c>
/// and runs of same-shape <c>VALUES</c> rows collapse (<see cref="SqlListCollapser"/>); comments and
/// trailing semicolons go; whitespace and keyword case are normalized; quoted identifiers and type
/// modifiers (<c>varchar(20)</c>) stay as written. Linear time, and it never throws: unterminated quotes
/// and junk turn into placeholders, so no literal of the input can reach the output.
/// </summary>
public static class QueryFingerprinter
{
    /// <summary>What stands for the rest of a collapsed list, as PostgreSQL 18 writes it.</summary>
    public const string CollapsedListMarker = " /*, ... */";

    /// <summary>What ends the normalized text of a statement that was cut short, so it never passes for the complete one.</summary>
    public const string TruncatedMarker = " /* truncated */";

    /// <summary>Normalizes a complete statement (such as <c>pg_stat_statements.query</c>) and returns it with its 64-bit fingerprint.</summary>
    public static QueryFingerprint Fingerprint(string? sql) => Fingerprint(sql, truncated: false);

    /// <summary>
    /// Normalizes <paramref name="sql"/> and returns it with its fingerprint. Text that was cut short
    /// (<paramref name="truncated"/>) has its unterminated literal masked like any other, ends with
    /// <see cref="TruncatedMarker"/> and is flagged, so its fingerprint differs from the complete statement's.
    /// </summary>
    public static QueryFingerprint Fingerprint(string? sql, bool truncated)
    {
        var normalized = Normalize(sql, out _);
        if (truncated)
        {
            normalized += TruncatedMarker;
        }

        return new QueryFingerprint(Hash(normalized), normalized, truncated);
    }

    /// <summary>
    /// Fingerprints text read from <c>pg_stat_activity.query</c>, which the server cuts to fit
    /// <c>track_activity_query_size</c>; text that may have been cut is fingerprinted as truncated
    /// (see <see cref="ActivityQueryText.IsTruncated"/>).
    /// </summary>
    /// <param name="query">The activity text, or null.</param>
    /// <param name="trackActivityQuerySize">The server's <c>track_activity_query_size</c>, in bytes (<see cref="ActivityQueryText.ReadTrackActivityQuerySizeAsync"/>).</param>
    public static QueryFingerprint FingerprintActivity(string? query, long trackActivityQuerySize)
        => Fingerprint(query, ActivityQueryText.IsTruncated(query, trackActivityQuerySize));

    /// <summary>The normalized text alone.</summary>
    public static string Normalize(string? sql) => Normalize(sql, out _);

    /// <summary>The normalized text, and how many steps it took: characters looked ahead at plus tokens visited by each pass.</summary>
    internal static string Normalize(string? sql, out long work)
    {
        work = 0;
        if (string.IsNullOrEmpty(sql))
        {
            return string.Empty;
        }

        var tokens = SqlTokenizer.Tokenize(sql, ref work);
        SqlConstantRules.Apply(sql, tokens, ref work);
        var count = tokens.Count;
        while (count > 0 && tokens[count - 1].IsPunctuation(';'))
        {
            count--;
        }

        var lists = SqlListCollapser.Find(sql, tokens, count, ref work);
        var writer = new NormalizedWriter(sql.Length, positional: SqlListCollapser.HasConstantList(lists));
        var nextList = 0;
        for (var i = 0; i < count; i++)
        {
            work++;
            if (nextList < lists.Count && lists[nextList].Open == i)
            {
                var list = lists[nextList++];
                if (list.Kind == CollapsedListKind.Constants)
                {
                    writer.CollapsedConstants(tokens[list.Open].First, tokens[list.Close].First);
                }
                else
                {
                    for (var row = list.Open; row <= list.FirstRowClose; row++)
                    {
                        work++;
                        writer.Token(sql, tokens[row]);
                    }

                    writer.Raw(CollapsedListMarker);
                }

                i = list.Close;
                continue;
            }

            writer.Token(sql, tokens[i]);
        }

        return writer.ToString();
    }

    /// <summary>A stable FNV-1a hash of the normalized text: the same in every process and version.</summary>
    public static ulong Hash(string normalized)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in normalized)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }

        return hash;
    }
}
