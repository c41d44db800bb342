using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// pg_stat_statements' text of the entries top queries have needed, so a steady workload reads no text at all: the
/// counters are read without text (<c>pg_stat_statements(false)</c>) every collection, and text only for entries that
/// became candidates and are not here yet. Reading text makes the server load its whole query text file, which holds
/// every entry's text, so it is worth reading as rarely as possible.
/// </summary>
/// <remarks>
/// An entry's text is forgotten with the entry (gone from a reading: evicted, reset or its database dropped), and the
/// cache holds at most <see cref="Capacity"/> texts, the least recently needed going first. Entries that are the
/// collector's own statements (marked <c>/* pgmetrics */</c>) are remembered as such, without their text and outside
/// the capacity (until they leave the view), so they are never candidates again. Used by the top-query scraper alone, one collection at a time: not thread-safe.
/// </remarks>
public sealed class StatementTextCache
{
    private readonly Dictionary<StatementKey, Entry> _entries = [];
    private long _collection;

    /// <summary>Creates a cache of at most <paramref name="capacity"/> texts.</summary>
    /// <param name="capacity">The most texts kept; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public StatementTextCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most texts kept.</summary>
    public int Capacity { get; }

    /// <summary>How many entries are known (texts and the collector's own statements).</summary>
    public int Count => _entries.Count;

    /// <summary>Starts a collection: what it looks up counts as needed now.</summary>
    public void BeginCollection() => _collection++;

    /// <summary>Whether the entry is known to be one of the collector's own statements.</summary>
    public bool IsCollectorOwn(StatementKey key) => _entries.TryGetValue(key, out var entry) && entry.Text is null;

    /// <summary>The entry's text when it is cached; marks it as needed in this collection.</summary>
    public bool TryGet(StatementKey key, out string text)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Text is { } cached)
        {
            entry.LastNeeded = _collection;
            text = cached;
            return true;
        }

        text = string.Empty;
        return false;
    }

    /// <summary>Keeps the text read for an entry, or remembers it as the collector's own statement when it is marked so.</summary>
    public void Add(StatementKey key, string text)
        => _entries[key] = new Entry { Text = CollectorSql.IsCollectorStatement(text) ? null : text, LastNeeded = _collection };

    /// <summary>
    /// Ends a collection: forgets the entries <paramref name="stillInView"/> says pg_stat_statements no longer has, then,
    /// past <see cref="Capacity"/>, the texts needed least recently.
    /// </summary>
    public void EndCollection(Func<StatementKey, bool> stillInView)
    {
        List<StatementKey>? gone = null;
        foreach (var (key, _) in _entries)
        {
            if (!stillInView(key))
            {
                (gone ??= []).Add(key);
            }
        }

        foreach (var key in gone ?? [])
        {
            _entries.Remove(key);
        }

        // Only texts count: the collector's own statements are remembered for as long as the view has them (a
        // catalogue's worth of entries), else each would be read again whenever the cache is full.
        var texts = _entries.Count(e => e.Value.Text is not null);
        if (texts > Capacity)
        {
            foreach (var (key, _) in _entries.Where(e => e.Value.Text is not null).OrderBy(e => e.Value.LastNeeded).Take(texts - Capacity).ToList())
            {
                _entries.Remove(key);
            }
        }
    }

    /// <summary>The cached texts by database and query id, as query samples look them up (<see cref="StatementTexts"/>).</summary>
    public Dictionary<(string Database, string QueryId), string> ByDatabaseAndQueryId()
    {
        var texts = new Dictionary<(string Database, string QueryId), string>(_entries.Count);
        foreach (var (key, entry) in _entries)
        {
            if (entry.Text is { } text)
            {
                texts.TryAdd((key.Database, key.QueryId), text);
            }
        }

        return texts;
    }

    private sealed class Entry
    {
        // Null for the collector's own statement.
        public string? Text { get; init; }

        public long LastNeeded { get; set; }
    }
}
