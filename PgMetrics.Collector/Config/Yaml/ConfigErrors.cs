using PgMetrics.Metadata.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace PgMetrics.Collector.Config.Yaml;

/// <summary>
/// Collects every problem of one config, so all are reported at once. While a file is read, the
/// position of each key path is remembered, so a check that runs later on the typed config
/// (<c>Validate</c>) still names the line and column of the value it is about.
/// </summary>
internal sealed class ConfigErrors(string file)
{
    private readonly List<ConfigError> _errors = [];
    private readonly Dictionary<string, (int Line, int Column)> _positions = new(StringComparer.Ordinal);
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
    public void Locate(string path, YamlNode node) => _positions[path] = ((int)node.Start.Line, (int)node.Start.Column);

    /// <summary>Remembers that the value of <paramref name="path"/> was written as <paramref name="raw"/>, a <c>${...}</c> reference.</summary>
    public void MarkExpanded(string path, string raw) => _written[path] = raw;

    /// <summary>How the value of <paramref name="path"/> may be shown: as written when it came from a reference, so an expanded secret never is.</summary>
    public string Shown(string path, string value) => _written.TryGetValue(path, out var raw) ? raw : value;

    /// <summary>Reports a problem found in another file the config names (a targets file), as it was found there.</summary>
    public void Add(ConfigError error) => _errors.Add(error);

    /// <summary>Reports a problem at <paramref name="node"/>.</summary>
    public void Add(YamlNode? node, string key, string message)
        => _errors.Add(new ConfigError(File, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, key, message));

    /// <summary>Reports a mistake found in a metadata file that <paramref name="key"/> names; it keeps the file's own place and PGM id.</summary>
    public void Add(DiagnosticInfo diagnostic, string key)
        => _errors.Add(new ConfigError(diagnostic.Span.FilePath, diagnostic.Span.StartLine + 1, diagnostic.Span.StartColumn + 1, key, diagnostic.GetMessage()) { Metadata = diagnostic });

    /// <summary>
    /// Reports a problem with <paramref name="key"/>, placed at the value of <paramref name="at"/> (the key
    /// itself when null), or at its nearest enclosing key that has a place, e.g. a missing key at its block.
    /// </summary>
    public void Add(string key, string message, string? at = null)
    {
        var (line, column) = Find(at ?? key);
        _errors.Add(new ConfigError(File, line, column, key, message));
    }

    private (int Line, int Column) Find(string path)
    {
        while (true)
        {
            if (_positions.TryGetValue(path, out var position))
            {
                return position;
            }

            var dot = path.LastIndexOf('.');
            if (dot < 0)
            {
                // Built from flags there are no positions at all; a file always has its top-level keys.
                return _positions.Count == 0 ? (0, 0) : (1, 1);
            }

            path = path[..dot];
        }
    }
}
