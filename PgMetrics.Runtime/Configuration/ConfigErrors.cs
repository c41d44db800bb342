namespace PgMetrics.Runtime.Configuration;

/// <summary>
/// Collects every problem of one config, so all are reported at once. While a config is read, the
/// place of each key path is remembered, so a check that runs later on the typed config
/// (<c>Validate</c>) still names the line and column (or configuration path) of the value it is about.
/// </summary>
internal sealed class ConfigErrors(string file)
{
    private readonly List<ConfigError> _errors = [];
    private readonly Dictionary<string, ConfigPlace> _places = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);

    /// <summary>The file the config came from, or <c>(command line)</c>.</summary>
    public string File { get; } = file;

    /// <summary>The problems found so far, in the order found.</summary>
    public IReadOnlyList<ConfigError> Items => _errors;

    /// <summary>How many problems were found.</summary>
    public int Count => _errors.Count;

    /// <summary>Whether a problem with <paramref name="key"/> was reported already, so a later check need not report it again.</summary>
    public bool Has(string key) => _errors.Any(e => e.Key == key);

    /// <summary>Remembers where the value of <paramref name="path"/> is.</summary>
    public void Locate(string path, ConfigNode node) => _places[path] = node.Place;

    /// <summary>Remembers that the value of <paramref name="path"/> was written as <paramref name="raw"/>, a <c>${...}</c> reference.</summary>
    public void MarkExpanded(string path, string raw) => _written[path] = raw;

    /// <summary>How the value of <paramref name="path"/> may be shown: as written when it came from a reference, so an expanded secret never is.</summary>
    public string Shown(string path, string value) => _written.TryGetValue(path, out var raw) ? raw : value;

    /// <summary>Reports a problem found in another file the config names (a targets file), as it was found there.</summary>
    public void Add(ConfigError error) => _errors.Add(error);

    /// <summary>Reports a problem at <paramref name="node"/>.</summary>
    public void Add(ConfigNode? node, string key, string message)
    {
        var place = node?.Place ?? new ConfigPlace(1, 1);
        _errors.Add(new ConfigError(File, place.Line, place.Column, key, message, place.Setting));
    }

    /// <summary>
    /// Reports a mistake found in a metadata file that <paramref name="key"/> names; it keeps the file's own place
    /// (<paramref name="line"/> and <paramref name="column"/> 1-based) and PGM id.
    /// </summary>
    public void Add(string filePath, int line, int column, string key, string message, MetadataDiagnostic diagnostic)
        => _errors.Add(new ConfigError(filePath, line, column, key, message) { Metadata = diagnostic });

    /// <summary>
    /// Reports a problem with <paramref name="key"/>, placed at the value of <paramref name="at"/> (the key
    /// itself when null), or at its nearest enclosing key that has a place, e.g. a missing key at its block.
    /// </summary>
    public void Add(string key, string message, string? at = null)
    {
        var place = Find(at ?? key);
        _errors.Add(new ConfigError(File, place.Line, place.Column, key, message, place.Setting));
    }

    private ConfigPlace Find(string path)
    {
        var missing = string.Empty;
        while (true)
        {
            if (_places.TryGetValue(path, out var place))
            {
                // A configuration path names the missing key below the nearest one that is there.
                return place.Setting is null || missing.Length == 0 ? place : place with { Setting = (place.Setting + missing).TrimStart(':') };
            }

            var dot = path.LastIndexOf('.');
            if (dot < 0)
            {
                if (path.Length > 0 && _places.TryGetValue(string.Empty, out var root) && root.Setting is not null)
                {
                    // A top-level key missing from .NET configuration: named below the section the config was read from.
                    return root with { Setting = (root.Setting + ":" + path + missing).TrimStart(':') };
                }

                // Built from flags there are no places at all; a file always has its top-level keys.
                return _places.Count == 0 ? new ConfigPlace(0, 0) : new ConfigPlace(1, 1);
            }

            missing = ":" + path[(dot + 1)..] + missing;
            path = path[..dot];
        }
    }
}
