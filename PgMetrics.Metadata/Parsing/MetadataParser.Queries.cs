using System.Collections.Generic;
using System.Linq;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>Reads <c>queries</c>: scope, SQL per version, <c>requires</c>, and typed columns with the attributes they set.</summary>
public sealed partial class MetadataParser
{
    private static readonly string[] QueryKeys = ["description", "scope", "min_version", "max_version", "requires", "sql", "variants", "columns"];
    private static readonly string[] RequiresKeys = ["extensions", "settings"];
    private static readonly string[] VariantKeys = ["min_version", "max_version", "sql"];
    private static readonly string[] ColumnKeys = ["type", "resource_attribute", "attribute", "description"];
    private static readonly (string Name, QueryScope Value)[] QueryScopes = [("instance", QueryScope.Instance), ("per_database", QueryScope.PerDatabase)];

    private List<QuerySpec> ParseQueries(Dictionary<string, YamlNode> top, List<AttributeSpec> resourceAttributes, List<AttributeSpec> attributes)
    {
        var result = new List<QuerySpec>();
        if (!top.TryGetValue("queries", out var node) || node.IsNull || !_yaml.ExpectMapping(node, "queries", out var mapping))
        {
            return result;
        }

        foreach (var (key, value) in _yaml.UniqueEntries(mapping, "queries"))
        {
            var where = "query '" + key.Value + "'";
            _queryLocations.Add(new NameLocation(key.Value, key.Span));
            if (!SqlNamePattern.IsMatch(key.Value))
            {
                Report(MetadataDiagnostics.InvalidName, key.Span, key.Value, "query", "use lower-case letters, digits and underscores");
            }

            if (!_yaml.ExpectMapping(value, where, out var body))
            {
                continue;
            }

            var entries = _yaml.ReadEntries(body, where, QueryKeys);
            var scope = _yaml.ParseEnum(entries, "scope", body, where, QueryScopes, required: false) ?? QueryScope.Instance;
            var variants = new List<SqlVariantSpec>();
            var sql = _yaml.RequiredString(entries, body, where, "sql");
            if (sql is not null)
            {
                variants.Add(new SqlVariantSpec(_yaml.OptionalVersion(entries, "min_version") ?? 0, _yaml.OptionalVersion(entries, "max_version"), sql));
            }

            if (entries.TryGetValue("variants", out var variantsNode) && _yaml.ExpectSequence(variantsNode, where + " variants", out var variantList))
            {
                foreach (var item in variantList.Items)
                {
                    if (!_yaml.ExpectMapping(item, where + " variant", out var variantBody))
                    {
                        continue;
                    }

                    var variant = _yaml.ReadEntries(variantBody, where + " variant", VariantKeys);
                    var variantSql = _yaml.RequiredString(variant, variantBody, where + " variant", "sql");
                    if (variantSql is not null)
                    {
                        variants.Add(new SqlVariantSpec(_yaml.OptionalVersion(variant, "min_version") ?? 0, _yaml.OptionalVersion(variant, "max_version"), variantSql));
                    }
                }
            }

            var columns = new List<ColumnSpec>();
            if (!entries.TryGetValue("columns", out var columnsNode))
            {
                Report(MetadataDiagnostics.MissingKey, body.Span, where, "columns");
            }
            else if (_yaml.ExpectMapping(columnsNode, where + " columns", out var columnMapping))
            {
                foreach (var (columnKey, columnValue) in _yaml.UniqueEntries(columnMapping, where + " columns"))
                {
                    var columnWhere = "column '" + columnKey.Value + "' of " + where;
                    if (!SqlNamePattern.IsMatch(columnKey.Value))
                    {
                        Report(MetadataDiagnostics.InvalidName, columnKey.Span, columnKey.Value, "column", "use lower-case letters, digits and underscores, as PostgreSQL returns unquoted names");
                    }

                    if (!_yaml.ExpectMapping(columnValue, columnWhere, out var columnBody))
                    {
                        continue;
                    }

                    var column = _yaml.ReadEntries(columnBody, columnWhere, ColumnKeys);
                    var declaredType = _yaml.ParseEnum(column, "type", columnBody, columnWhere, AttributeTypes, required: true);
                    var type = declaredType ?? AttributeType.String;
                    var resourceAttribute = ReferencedAttribute(column, "resource_attribute", columnWhere, resourceAttributes, "resource_attributes");
                    var attribute = ReferencedAttribute(column, "attribute", columnWhere, attributes, "attributes");
                    if (declaredType is { } known)
                    {
                        CheckAttributeFits(column, "resource_attribute", resourceAttribute, known, columnKey.Value, key.Value);
                        CheckAttributeFits(column, "attribute", attribute, known, columnKey.Value, key.Value);
                    }
                    columns.Add(new ColumnSpec(columnKey.Value, columns.Count, type, NameFormatting.ToPascalCase(columnKey.Value), NameFormatting.ToCamelCase(columnKey.Value), resourceAttribute, attribute));
                }
            }

            var requirements = ParseRequirements(entries, where);
            var className = NameFormatting.ToPascalCase(key.Value);
            result.Add(new QuerySpec(
                key.Value,
                className + "Query",
                className + "Row",
                scope,
                variants.OrderBy(v => v.MinVersion).ToImmutableEquatableArray(),
                columns.ToImmutableEquatableArray(),
                requirements,
                ImmutableEquatableArray<MetricRef>.Empty,
                ImmutableEquatableArray<RecordingSpec>.Empty));
        }

        return result;
    }

    // `requires:` names what the server must have for the query to make sense; the scraper checks it and
    // skips the query with one log line instead of failing it every scrape.
    private QueryRequirementsSpec ParseRequirements(Dictionary<string, YamlNode> entries, string where)
    {
        if (!entries.TryGetValue("requires", out var node) || node.IsNull || !_yaml.ExpectMapping(node, where + " requires", out var body))
        {
            return QueryRequirementsSpec.None;
        }

        var requires = _yaml.ReadEntries(body, where + " requires", RequiresKeys);
        var extensions = _yaml.OptionalStringList(requires, "extensions", where + " requires");
        var settings = new List<SettingRequirementSpec>();
        if (requires.TryGetValue("settings", out var settingsNode) && _yaml.ExpectMapping(settingsNode, where + " requires settings", out var settingsMapping))
        {
            foreach (var (settingKey, settingValue) in _yaml.UniqueEntries(settingsMapping, where + " requires settings"))
            {
                if (!SqlNamePattern.IsMatch(settingKey.Value))
                {
                    Report(MetadataDiagnostics.InvalidName, settingKey.Span, settingKey.Value, "setting", "use a PostgreSQL setting name such as track_functions");
                }

                var values = _yaml.StringList(settingValue, settingKey.Value, where + " requires settings");
                if (values.Count > 0)
                {
                    settings.Add(new SettingRequirementSpec(settingKey.Value, values.ToImmutableEquatableArray()));
                }
            }
        }

        return new QueryRequirementsSpec(extensions.ToImmutableEquatableArray(), settings.ToImmutableEquatableArray());
    }

    /// <summary>
    /// A column sets an attribute only with a value of the attribute's type; an integer column may set a
    /// double attribute. Anything else would be a C# compile error in generated code and a silent
    /// conversion at run time, so it is a located diagnostic for both.
    /// </summary>
    private void CheckAttributeFits(Dictionary<string, YamlNode> column, string key, AttributeSpec? attribute, AttributeType columnType, string columnName, string queryName)
    {
        if (attribute is null || attribute.Type == columnType || (columnType == AttributeType.Int && attribute.Type == AttributeType.Double))
        {
            return;
        }

        Report(MetadataDiagnostics.ColumnAttributeTypeMismatch, column[key].Span, columnName, queryName, TypeName(columnType), TypeName(attribute.Type), attribute.Key);
    }

    private static string TypeName(AttributeType type) => type.ToString().ToLowerInvariant();

    private AttributeSpec? ReferencedAttribute(Dictionary<string, YamlNode> entries, string key, string where, List<AttributeSpec> declared, string section)
    {
        var name = _yaml.OptionalString(entries, key);
        if (name is null)
        {
            return null;
        }

        var attribute = declared.FirstOrDefault(a => a.Key == name);
        if (attribute is null)
        {
            Report(MetadataDiagnostics.UnknownAttribute, entries[key].Span, where, name, section);
        }

        return attribute;
    }
}
