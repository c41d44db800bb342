using System.Collections.Generic;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>
/// A YAML node with its position. Built from parser events rather than YamlDotNet's representation
/// model, because that model throws on duplicate keys, and a duplicate is a diagnostic here.
/// </summary>
internal abstract class YamlNode
{
    protected YamlNode(SourceSpan span) => Span = span;

    public SourceSpan Span { get; }

    /// <summary>Whether the node is an empty or null scalar (<c>~</c>, <c>null</c>, nothing), which a section may be left as.</summary>
    public virtual bool IsNull => false;

    public abstract string Describe();
}

internal sealed class YamlScalar : YamlNode
{
    public YamlScalar(string value, bool isPlain, SourceSpan span)
        : base(span)
    {
        Value = value;
        IsPlain = isPlain;
    }

    public string Value { get; }

    /// <summary>Unquoted scalars may be numbers, booleans or null; quoted ones are always strings.</summary>
    public bool IsPlain { get; }

    public override bool IsNull => IsPlain && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");

    public override string Describe() => "a scalar";
}

internal sealed class YamlMapping : YamlNode
{
    public YamlMapping(List<KeyValuePair<YamlScalar, YamlNode>> entries, SourceSpan span)
        : base(span) => Entries = entries;

    public List<KeyValuePair<YamlScalar, YamlNode>> Entries { get; }

    public override string Describe() => "a mapping";
}

internal sealed class YamlSequence : YamlNode
{
    public YamlSequence(List<YamlNode> items, SourceSpan span)
        : base(span) => Items = items;

    public List<YamlNode> Items { get; }

    public override string Describe() => "a sequence";
}
