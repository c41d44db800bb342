namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// The extensions installed in one database and the schema each is in (<c>pg_extension.extname</c>,
/// <c>extnamespace</c>). Queries that need an extension run with its schema first on their <c>search_path</c>, so an
/// extension installed outside the role's path (<c>CREATE EXTENSION … SCHEMA monitoring</c>) is found as well.
/// </summary>
public sealed class InstalledExtensions
{
    private readonly Dictionary<string, string> _schemas;

    /// <summary>Extensions by name, each with its schema quoted as an identifier where it needs it (<c>quote_ident(nspname)</c>).</summary>
    public InstalledExtensions(IReadOnlyDictionary<string, string> schemas) => _schemas = new(schemas, StringComparer.Ordinal);

    /// <summary>No extension known (no query needed any).</summary>
    public static InstalledExtensions None { get; } = new(new Dictionary<string, string>());

    /// <summary>Whether <paramref name="extension"/> is installed.</summary>
    public bool Contains(string extension) => _schemas.ContainsKey(extension);

    /// <summary>
    /// The <c>search_path</c> entries that find <paramref name="extensions"/>' objects: their schemas, quoted where needed,
    /// joined with ", ", in order and without repeats; empty when none is installed.
    /// </summary>
    public string SearchPathFor(IEnumerable<string> extensions)
        => string.Join(", ", extensions.Select(e => _schemas.GetValueOrDefault(e)).OfType<string>().Distinct(StringComparer.Ordinal));
}
