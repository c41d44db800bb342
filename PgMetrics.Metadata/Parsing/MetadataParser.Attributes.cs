using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>Reads <c>resource_attributes</c> and <c>attributes</c>: names, types, enums and their C# names.</summary>
public sealed partial class MetadataParser
{
    private static readonly string[] ResourceAttributeKeys = ["description", "type", "enabled", "enum", "name_override", "warnings"];
    private static readonly string[] AttributeKeys = ["description", "type", "enum", "name_override", "requirement_level", "warnings"];

    private static readonly Regex AttributeNamePattern = new("^[A-Za-z][A-Za-z0-9_.-]{0,254}$", RegexOptions.CultureInvariant);

    private List<AttributeSpec> ParseAttributes(Dictionary<string, YamlNode> top, string section, string[] allowedKeys, bool isResource)
    {
        var result = new List<AttributeSpec>();
        if (!top.TryGetValue(section, out var node) || node.IsNull || !_yaml.ExpectMapping(node, section, out var mapping))
        {
            return result;
        }

        foreach (var (key, value) in _yaml.UniqueEntries(mapping, section))
        {
            var where = (isResource ? "resource attribute '" : "attribute '") + key.Value + "'";
            if (!AttributeNamePattern.IsMatch(key.Value))
            {
                Report(MetadataDiagnostics.InvalidName, key.Span, key.Value, "attribute", "start with a letter; use letters, digits, '.', '_' and '-'; at most 255 characters");
            }

            if (!_yaml.ExpectMapping(value, where, out var body))
            {
                continue;
            }

            var entries = _yaml.ReadEntries(body, where, allowedKeys);
            var description = _yaml.RequiredString(entries, body, where, "description") ?? string.Empty;
            var type = _yaml.ParseEnum(entries, "type", body, where, AttributeTypes, required: true) ?? AttributeType.String;
            var enabled = _yaml.OptionalBool(entries, "enabled") ?? true;
            var nameOverride = _yaml.OptionalString(entries, "name_override");
            var enumValues = _yaml.OptionalStringList(entries, "enum", where);
            if (enumValues.Count > 0 && type != AttributeType.String)
            {
                Report(MetadataDiagnostics.InvalidValue, entries["enum"].Span, "enum", where, "enum values only on attributes of type string");
            }

            var propertyName = NameFormatting.ToPascalCase(key.Value);
            result.Add(new AttributeSpec(
                key.Value,
                nameOverride ?? key.Value,
                description,
                type,
                enabled,
                enumValues.Select(v => new EnumValueSpec(v, NameFormatting.ToPascalCase(v))).ToImmutableEquatableArray(),
                propertyName,
                NameFormatting.ToCamelCase(key.Value),
                enumValues.Count > 0 ? "Attribute" + propertyName : null));
        }

        return result;
    }
}
