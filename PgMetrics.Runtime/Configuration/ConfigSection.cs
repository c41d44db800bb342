using System.Globalization;

namespace PgMetrics.Runtime.Configuration;

/// <summary>
/// One mapping of a config (a YAML file or .NET configuration), read by key with typed accessors. Unknown and repeated keys are reported
/// when the section is made; every accessor reports a wrong value with the file, line, column and dotted
/// key, and returns null (or an empty collection) so reading goes on and every problem is found at once.
/// The accessor names match the metadata parser's, so one idiom reads both YAML files.
/// </summary>
internal sealed class ConfigSection
{
    private readonly Dictionary<string, (ConfigNode Key, ConfigNode Value)> _entries = new(StringComparer.Ordinal);
    private readonly ConfigErrors _errors;
    private readonly Func<string, string?> _environment;

    /// <summary>Reads <paramref name="node"/> as a mapping with only <paramref name="allowedKeys"/>; a null or empty node is an empty section.</summary>
    public ConfigSection(string path, ConfigNode? node, IReadOnlyList<string> allowedKeys, ConfigErrors errors, Func<string, string?> environment)
    {
        Path = path;
        _errors = errors;
        _environment = environment;
        if (node is null || node.IsEmpty)
        {
            return;
        }

        errors.Locate(path, node);
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            errors.Add(node, path, "must be a mapping of key: value lines");
            return;
        }

        foreach (var (written, keyNode, value) in node.Entries)
        {
            var key = node.LooseKeys ? allowedKeys.FirstOrDefault(allowed => SameLooseKey(allowed, written)) ?? written : written;
            var keyPath = Child(key);
            if (!allowedKeys.Contains(key))
            {
                var hint = allowedKeys.Count == 0 ? "this block takes no settings" : "expected one of: " + string.Join(", ", allowedKeys);
                errors.Add(keyNode, keyPath, "unknown key; " + hint);
                continue;
            }

            if (!_entries.TryAdd(key, (keyNode, value)))
            {
                errors.Add(keyNode, keyPath, "is given more than once");
                continue;
            }

            errors.Locate(keyPath, value);
        }
    }

    /// <summary>The dotted path of this section, e.g. <c>receivers.postgresql.tls</c>.</summary>
    public string Path { get; }

    /// <summary>The errors of the config this section belongs to.</summary>
    public ConfigErrors Errors => _errors;

    /// <summary>Where <c>${env:}</c> references are looked up.</summary>
    public Func<string, string?> Environment => _environment;

    /// <summary>Whether <paramref name="key"/> is given.</summary>
    public bool Has(string key) => _entries.ContainsKey(key);

    /// <summary>The dotted path of a key of this section.</summary>
    public string Child(string key) => Path.Length == 0 ? key : Path + "." + key;

    /// <summary>A nested mapping, read with its own allowed keys; empty when absent.</summary>
    public ConfigSection Section(string key, IReadOnlyList<string> allowedKeys)
        => new(Child(key), _entries.TryGetValue(key, out var entry) ? entry.Value : null, allowedKeys, _errors, _environment);

    /// <summary>The entries of a nested mapping whose keys are names (receivers, exporters, metrics): name, key node and value.</summary>
    public IEnumerable<(string Name, ConfigNode KeyNode, ConfigNode Value)> Named(string key)
    {
        if (!_entries.TryGetValue(key, out var entry) || entry.Value.IsEmpty)
        {
            yield break;
        }

        if (entry.Value.Kind != ConfigNodeKind.Mapping)
        {
            _errors.Add(entry.Value, Child(key), "must be a mapping of name: settings");
            yield break;
        }

        foreach (var (name, nameNode, value) in entry.Value.Entries)
        {
            _errors.Locate(Child(key) + "." + name, nameNode);
            yield return (name, nameNode, value);
        }
    }

    /// <summary>A text value, with <c>${env:}</c>/<c>${file:}</c> references expanded.</summary>
    public string? Text(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Value.Kind == ConfigNodeKind.Empty)
        {
            // A key set to null in .NET configuration: as if it were not given.
            return null;
        }

        if (entry.Value.Kind != ConfigNodeKind.Scalar)
        {
            _errors.Add(entry.Value, Child(key), "must be a text value");
            return null;
        }

        return Expand(entry.Value, Child(key));
    }

    /// <summary>One of <paramref name="choices"/>, matched without regard to case and returned as listed.</summary>
    public T? Choice<T>(string key, IReadOnlyList<(string Name, T Value)> choices)
        where T : struct
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        Fail(key, text, $"is not one of {string.Join(", ", choices.Select(c => c.Name))}");
        return null;
    }

    /// <summary>true or false.</summary>
    public bool? Bool(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Fail(key, text, "is not true or false");
        return null;
    }

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public int? Int(string key, int minimum)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        Fail(key, text, $"is not a whole number of at least {minimum}");
        return null;
    }

    /// <summary>A duration in Go syntax (<c>10s</c>, <c>1m30s</c>); greater than zero when <paramref name="positive"/>.</summary>
    public TimeSpan? Duration(string key, bool positive = false)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(text, out var duration, out _))
        {
            Fail(key, text, "is not a duration; write e.g. 10s, 500ms or 1m30s (units: h, m, s, ms, us)");
            return null;
        }

        if (positive && duration <= TimeSpan.Zero)
        {
            _errors.Add(_entries[key].Value, Child(key), "must be greater than zero");
            return null;
        }

        return duration;
    }

    /// <summary>An absolute http or https URL.</summary>
    public Uri? Url(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        Fail(key, text, "is not an http(s) URL such as https://otlp.nr-data.net");
        return null;
    }

    /// <summary>The path of a file that exists.</summary>
    public string? ExistingFile(string key)
    {
        var path = Text(key);
        if (path is not null && !File.Exists(path))
        {
            Fail(key, path, "does not exist", prefix: "file ");
        }

        return path;
    }

    /// <summary>
    /// A list of paths of files that exist, each with the dotted key of its item (<c>…metadata_files[1]</c>),
    /// where later messages about the file are placed. A missing file is reported and left out.
    /// </summary>
    public List<(string Path, string Key)> ExistingFileList(string key)
    {
        var result = new List<(string Path, string Key)>();
        if (!_entries.TryGetValue(key, out var entry))
        {
            return result;
        }

        if (entry.Value.Kind == ConfigNodeKind.Empty)
        {
            return result;
        }

        if (entry.Value.Kind != ConfigNodeKind.Sequence)
        {
            _errors.Add(entry.Value, Child(key), "must be a list of file paths, e.g. [/etc/pgmetrics/shop.yaml]");
            return result;
        }

        var items = entry.Value.Items;
        for (var i = 0; i < items.Count; i++)
        {
            var itemKey = $"{Child(key)}[{i}]";
            var item = items[i];
            _errors.Locate(itemKey, item);
            if (item.Kind != ConfigNodeKind.Scalar)
            {
                _errors.Add(item, itemKey, "must be a file path");
            }
            else if (Expand(item, itemKey) is { } path)
            {
                if (File.Exists(path))
                {
                    result.Add((path, itemKey));
                }
                else
                {
                    _errors.Add(item, itemKey, $"file '{SecretExpansion.Shown(item.Text ?? path, path)}' does not exist");
                }
            }
        }

        return result;
    }

    /// <summary>The path of a file or a folder that exists.</summary>
    public string? ExistingFileOrFolder(string key)
    {
        var path = Text(key);
        if (path is not null && !File.Exists(path) && !Directory.Exists(path))
        {
            Fail(key, path, "does not exist (expected a file or a folder)", prefix: "path ");
        }

        return path;
    }

    /// <summary>A list of text values.</summary>
    public List<string> TextList(string key)
    {
        var result = new List<string>();
        if (!_entries.TryGetValue(key, out var entry))
        {
            return result;
        }

        if (entry.Value.Kind == ConfigNodeKind.Empty)
        {
            return result;
        }

        if (entry.Value.Kind != ConfigNodeKind.Sequence)
        {
            _errors.Add(entry.Value, Child(key), "must be a list, e.g. [a, b]");
            return result;
        }

        var items = entry.Value.Items;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            _errors.Locate($"{Child(key)}[{i}]", item);
            if (item.Kind == ConfigNodeKind.Scalar && Expand(item, Child(key)) is { } value)
            {
                result.Add(value);
            }
            else if (item.Kind != ConfigNodeKind.Scalar)
            {
                _errors.Add(item, Child(key), "list items must be text values");
            }
        }

        return result;
    }

    /// <summary>A mapping of names to text values, e.g. headers; names compared without regard to case.</summary>
    public Dictionary<string, string> TextMap(string key)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _, value) in Named(key))
        {
            if (value.Kind is ConfigNodeKind.Scalar or ConfigNodeKind.Empty && Expand(value, Child(key) + "." + name) is { } text)
            {
                result[name] = text;
            }
            else if (value.Kind is not (ConfigNodeKind.Scalar or ConfigNodeKind.Empty))
            {
                _errors.Add(value, Child(key) + "." + name, "must be a text value");
            }
        }

        return result;
    }

    /// <summary><c>name: {enabled: true|false}</c> switches, for names <paramref name="exists"/> accepts (metrics, resource attributes, events).</summary>
    public Dictionary<string, bool> Switches(string key, Func<string, bool> exists, string what)
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (name, nameNode, value) in Named(key))
        {
            var path = Child(key) + "." + name;
            if (!exists(name))
            {
                _errors.Add(nameNode, path, $"unknown {what}; see docs/metrics.md for the names");
                continue;
            }

            if (new ConfigSection(path, value, ["enabled"], _errors, _environment).Bool("enabled") is { } enabled)
            {
                result[name] = enabled;
            }
        }

        return result;
    }

    private string? Expand(ConfigNode scalar, string path)
    {
        var raw = scalar.Text ?? string.Empty;
        if (SecretExpansion.HasReference(raw))
        {
            _errors.MarkExpanded(path, raw);
        }

        return SecretExpansion.Expand(raw, _environment, message => _errors.Add(scalar, path, message));
    }

    private void Fail(string key, string value, string problem, string prefix = "")
    {
        var node = _entries[key].Value;
        var raw = node.Text ?? value;
        _errors.Add(node, Child(key), $"{prefix}'{SecretExpansion.Shown(raw, value)}' {problem}");
    }

    private static bool SameLooseKey(string allowed, string written)
        => string.Equals(allowed.Replace("_", string.Empty, StringComparison.Ordinal), written.Replace("_", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
}
