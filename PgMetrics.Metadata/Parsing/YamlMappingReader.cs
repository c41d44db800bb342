using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>
/// Schema-checked reads of YAML nodes: a mapping's entries against the keys allowed there, and typed
/// values (text, booleans, server versions, lists, choices). A value of the wrong shape is reported
/// with its position and read as null, so the caller goes on and every problem of a file is found in one pass.
/// </summary>
internal sealed class YamlMappingReader
{
    private readonly List<DiagnosticInfo> _diagnostics;

    public YamlMappingReader(List<DiagnosticInfo> diagnostics) => _diagnostics = diagnostics;

    /// <summary>Notes a problem at <paramref name="span"/>; the arguments fill the descriptor's message.</summary>
    public void Report(DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        => _diagnostics.Add(new DiagnosticInfo(descriptor, span, arguments.ToImmutableEquatableArray()));

    public T? ParseEnum<T>(Dictionary<string, YamlNode> entries, string key, YamlNode parent, string where, (string Name, T Value)[] choices, bool required)
        where T : struct
    {
        if (!entries.TryGetValue(key, out var node))
        {
            if (required)
            {
                Report(MetadataDiagnostics.MissingKey, parent.Span, where, key);
            }

            return null;
        }

        if (node is YamlScalar scalar)
        {
            foreach (var (name, value) in choices)
            {
                if (name == scalar.Value)
                {
                    return value;
                }
            }
        }

        Report(MetadataDiagnostics.InvalidValue, node.Span, Show(node), key, "one of " + string.Join(", ", choices.Select(c => c.Name)));
        return null;
    }

    public string? RequiredString(Dictionary<string, YamlNode> entries, YamlNode parent, string where, string key)
    {
        if (!entries.ContainsKey(key))
        {
            Report(MetadataDiagnostics.MissingKey, parent.Span, where, key);
            return null;
        }

        var value = OptionalString(entries, key);
        if (value is null || value.Trim().Length == 0)
        {
            Report(MetadataDiagnostics.InvalidValue, entries[key].Span, Show(entries[key]), key, "non-empty text");
            return null;
        }

        return value;
    }

    public string? OptionalString(Dictionary<string, YamlNode> entries, string key)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node is YamlScalar scalar && !scalar.IsNull)
        {
            return scalar.Value;
        }

        Report(MetadataDiagnostics.InvalidValue, node.Span, Show(node), key, "text");
        return null;
    }

    public bool? RequiredBool(Dictionary<string, YamlNode> entries, YamlNode parent, string where, string key)
    {
        if (!entries.ContainsKey(key))
        {
            Report(MetadataDiagnostics.MissingKey, parent.Span, where, key);
            return null;
        }

        return OptionalBool(entries, key);
    }

    public bool? OptionalBool(Dictionary<string, YamlNode> entries, string key)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node is YamlScalar { IsPlain: true } scalar && scalar.Value is "true" or "false")
        {
            return scalar.Value == "true";
        }

        Report(MetadataDiagnostics.InvalidValue, node.Span, Show(node), key, "true or false");
        return null;
    }

    public int? OptionalVersion(Dictionary<string, YamlNode> entries, string key)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node is YamlScalar { IsPlain: true } scalar && int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 90000)
        {
            return version;
        }

        Report(MetadataDiagnostics.InvalidValue, node.Span, Show(node), key, "a server_version_num such as 120000 or 170002");
        return null;
    }

    public List<string> OptionalStringList(Dictionary<string, YamlNode> entries, string key, string where)
        => entries.TryGetValue(key, out var node) ? StringList(node, key, where) : [];

    public List<string> StringList(YamlNode node, string key, string where)
    {
        var result = new List<string>();
        if (!ExpectSequence(node, where + " " + key, out var sequence))
        {
            return result;
        }

        foreach (var item in sequence.Items)
        {
            if (item is YamlScalar scalar && !scalar.IsNull)
            {
                if (result.Contains(scalar.Value))
                {
                    Report(MetadataDiagnostics.DuplicateName, scalar.Span, scalar.Value, where + " " + key);
                }
                else
                {
                    result.Add(scalar.Value);
                }
            }
            else
            {
                Report(MetadataDiagnostics.InvalidValue, item.Span, Show(item), key, "a list of text values");
            }
        }

        return result;
    }

    /// <summary>Collects a mapping's entries by key, reporting unknown and repeated keys.</summary>
    public Dictionary<string, YamlNode> ReadEntries(YamlMapping mapping, string where, string[] allowedKeys)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in UniqueEntries(mapping, where))
        {
            if (Array.IndexOf(allowedKeys, key.Value) < 0)
            {
                Report(MetadataDiagnostics.UnknownKey, key.Span, key.Value, where, string.Join(", ", allowedKeys));
                continue;
            }

            result[key.Value] = value;
        }

        return result;
    }

    public IEnumerable<(YamlScalar Key, YamlNode Value)> UniqueEntries(YamlMapping mapping, string where)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (!seen.Add(entry.Key.Value))
            {
                Report(MetadataDiagnostics.DuplicateName, entry.Key.Span, entry.Key.Value, where);
                continue;
            }

            yield return (entry.Key, entry.Value);
        }
    }

    public bool ExpectMapping(YamlNode node, string where, out YamlMapping mapping)
    {
        if (node is YamlMapping m)
        {
            mapping = m;
            return true;
        }

        mapping = null!;
        Report(MetadataDiagnostics.WrongNodeKind, node.Span, where, "a mapping (key: value lines), not " + node.Describe());
        return false;
    }

    public bool ExpectSequence(YamlNode node, string where, out YamlSequence sequence)
    {
        if (node is YamlSequence s)
        {
            sequence = s;
            return true;
        }

        sequence = null!;
        Report(MetadataDiagnostics.WrongNodeKind, node.Span, where, "a list, not " + node.Describe());
        return false;
    }

    private static string Show(YamlNode node) => node is YamlScalar scalar ? Truncate(scalar.Value) : node.Describe();

    private static string Truncate(string value) => value.Length <= 80 ? value : value.Substring(0, 77) + "...";
}
