using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using PgMetrics.Generator.Model;

namespace PgMetrics.Generator.Parsing;

/// <summary>
/// Turns the text of a metadata.yaml into a <see cref="MetadataSpec"/>. Every problem becomes a
/// diagnostic with the file, line and column; nothing here throws on any input.
/// </summary>
internal sealed class MetadataParser
{
    private static readonly string[] TopLevelKeys = ["type", "status", "sem_conv_version", "parent", "scope_name", "github_project", "resource_attributes", "attributes", "metrics", "queries", "tests"];
    private static readonly string[] ResourceAttributeKeys = ["description", "type", "enabled", "enum", "name_override", "warnings"];
    private static readonly string[] AttributeKeys = ["description", "type", "enum", "name_override", "requirement_level", "warnings"];
    private static readonly string[] MetricKeys = ["enabled", "description", "unit", "sum", "gauge", "histogram", "attributes", "source", "extended_documentation", "warnings", "stability"];
    private static readonly string[] SumKeys = ["value_type", "monotonic", "aggregation_temporality", "input_type"];
    private static readonly string[] GaugeKeys = ["value_type", "input_type"];
    private static readonly string[] HistogramKeys = ["value_type", "bucket_boundaries"];
    private static readonly string[] SourceKeys = ["query", "column", "attributes"];
    private static readonly string[] QueryKeys = ["description", "scope", "min_version", "max_version", "requires", "sql", "variants", "columns"];
    private static readonly string[] RequiresKeys = ["extensions", "settings"];
    private static readonly string[] VariantKeys = ["min_version", "max_version", "sql"];
    private static readonly string[] ColumnKeys = ["type", "resource_attribute", "attribute", "description"];

    // The OpenTelemetry instrument name syntax.
    private static readonly Regex MetricNamePattern = new("^[A-Za-z][A-Za-z0-9_./-]{0,254}$", RegexOptions.CultureInvariant);
    private static readonly Regex AttributeNamePattern = new("^[A-Za-z][A-Za-z0-9_.-]{0,254}$", RegexOptions.CultureInvariant);

    // Query and column names become C# identifiers and match what PostgreSQL returns for unquoted names.
    private static readonly Regex SqlNamePattern = new("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant);

    private readonly string _filePath;
    private readonly List<DiagnosticInfo> _diagnostics = [];

    private MetadataParser(string filePath) => _filePath = filePath;

    public static ParseResult Parse(string text, string filePath, string generatedNamespace)
    {
        var parser = new MetadataParser(filePath);
        var spec = parser.ParseDocument(text, generatedNamespace);
        var diagnostics = parser._diagnostics.ToImmutableEquatableArray();
        return new ParseResult(diagnostics.Count == 0 ? spec : null, diagnostics);
    }

    private MetadataSpec? ParseDocument(string text, string generatedNamespace)
    {
        var root = YamlTreeReader.Read(text, _filePath, out var error);
        if (error is { } e)
        {
            Report(DiagnosticDescriptors.InvalidYaml, e.Span, e.Message);
            return null;
        }

        if (root is null)
        {
            Report(DiagnosticDescriptors.MissingKey, new SourceSpan(_filePath, 0, 0, 0, 0), "metadata.yaml", "type");
            return null;
        }

        if (!ExpectMapping(root, "metadata.yaml", out var top))
        {
            return null;
        }

        var entries = ReadEntries(top, "metadata.yaml", TopLevelKeys);
        var type = RequiredString(entries, top, "metadata.yaml", "type");
        if (type is not null && !SqlNamePattern.IsMatch(type))
        {
            Report(DiagnosticDescriptors.InvalidName, entries["type"].Span, type, "component type", "use lower-case letters, digits and underscores");
        }

        var resourceAttributes = ParseAttributes(entries, "resource_attributes", ResourceAttributeKeys, isResource: true);
        var attributes = ParseAttributes(entries, "attributes", AttributeKeys, isResource: false);
        var queries = ParseQueries(entries, resourceAttributes, attributes);
        var metrics = ParseMetrics(entries, attributes, queries);
        var (resolvedMetrics, resolvedQueries) = Resolve(metrics, queries);

        return new MetadataSpec(
            generatedNamespace,
            type ?? "metadata",
            NameFormatting.ToPascalCase(type ?? "metadata"),
            resourceAttributes.ToImmutableEquatableArray(),
            attributes.ToImmutableEquatableArray(),
            resolvedMetrics,
            resolvedQueries);
    }

    private List<AttributeSpec> ParseAttributes(Dictionary<string, YamlNode> top, string section, string[] allowedKeys, bool isResource)
    {
        var result = new List<AttributeSpec>();
        if (!top.TryGetValue(section, out var node) || IsNull(node) || !ExpectMapping(node, section, out var mapping))
        {
            return result;
        }

        foreach (var (key, value) in UniqueEntries(mapping, section))
        {
            var where = (isResource ? "resource attribute '" : "attribute '") + key.Value + "'";
            if (!AttributeNamePattern.IsMatch(key.Value))
            {
                Report(DiagnosticDescriptors.InvalidName, key.Span, key.Value, "attribute", "start with a letter; use letters, digits, '.', '_' and '-'; at most 255 characters");
            }

            if (!ExpectMapping(value, where, out var body))
            {
                continue;
            }

            var entries = ReadEntries(body, where, allowedKeys);
            var description = RequiredString(entries, body, where, "description") ?? string.Empty;
            var type = ParseEnum(entries, "type", body, where, AttributeTypes, required: true) ?? AttributeType.String;
            var enabled = OptionalBool(entries, "enabled") ?? true;
            var nameOverride = OptionalString(entries, "name_override");
            var enumValues = OptionalStringList(entries, "enum", where);
            if (enumValues.Count > 0 && type != AttributeType.String)
            {
                Report(DiagnosticDescriptors.InvalidValue, entries["enum"].Span, "enum", where, "enum values only on attributes of type string");
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

    private List<QuerySpec> ParseQueries(Dictionary<string, YamlNode> top, List<AttributeSpec> resourceAttributes, List<AttributeSpec> attributes)
    {
        var result = new List<QuerySpec>();
        if (!top.TryGetValue("queries", out var node) || IsNull(node) || !ExpectMapping(node, "queries", out var mapping))
        {
            return result;
        }

        foreach (var (key, value) in UniqueEntries(mapping, "queries"))
        {
            var where = "query '" + key.Value + "'";
            if (!SqlNamePattern.IsMatch(key.Value))
            {
                Report(DiagnosticDescriptors.InvalidName, key.Span, key.Value, "query", "use lower-case letters, digits and underscores");
            }

            if (!ExpectMapping(value, where, out var body))
            {
                continue;
            }

            var entries = ReadEntries(body, where, QueryKeys);
            var scope = ParseEnum(entries, "scope", body, where, QueryScopes, required: false) ?? QueryScope.Instance;
            var variants = new List<SqlVariantSpec>();
            var sql = RequiredString(entries, body, where, "sql");
            if (sql is not null)
            {
                variants.Add(new SqlVariantSpec(OptionalVersion(entries, "min_version") ?? 0, OptionalVersion(entries, "max_version"), sql));
            }

            if (entries.TryGetValue("variants", out var variantsNode) && ExpectSequence(variantsNode, where + " variants", out var variantList))
            {
                foreach (var item in variantList.Items)
                {
                    if (!ExpectMapping(item, where + " variant", out var variantBody))
                    {
                        continue;
                    }

                    var variant = ReadEntries(variantBody, where + " variant", VariantKeys);
                    var variantSql = RequiredString(variant, variantBody, where + " variant", "sql");
                    if (variantSql is not null)
                    {
                        variants.Add(new SqlVariantSpec(OptionalVersion(variant, "min_version") ?? 0, OptionalVersion(variant, "max_version"), variantSql));
                    }
                }
            }

            var columns = new List<ColumnSpec>();
            if (!entries.TryGetValue("columns", out var columnsNode))
            {
                Report(DiagnosticDescriptors.MissingKey, body.Span, where, "columns");
            }
            else if (ExpectMapping(columnsNode, where + " columns", out var columnMapping))
            {
                foreach (var (columnKey, columnValue) in UniqueEntries(columnMapping, where + " columns"))
                {
                    var columnWhere = "column '" + columnKey.Value + "' of " + where;
                    if (!SqlNamePattern.IsMatch(columnKey.Value))
                    {
                        Report(DiagnosticDescriptors.InvalidName, columnKey.Span, columnKey.Value, "column", "use lower-case letters, digits and underscores, as PostgreSQL returns unquoted names");
                    }

                    if (!ExpectMapping(columnValue, columnWhere, out var columnBody))
                    {
                        continue;
                    }

                    var column = ReadEntries(columnBody, columnWhere, ColumnKeys);
                    var type = ParseEnum(column, "type", columnBody, columnWhere, AttributeTypes, required: true) ?? AttributeType.String;
                    var resourceAttribute = ReferencedAttribute(column, "resource_attribute", columnWhere, resourceAttributes, "resource_attributes");
                    var attribute = ReferencedAttribute(column, "attribute", columnWhere, attributes, "attributes");
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
        if (!entries.TryGetValue("requires", out var node) || IsNull(node) || !ExpectMapping(node, where + " requires", out var body))
        {
            return QueryRequirementsSpec.None;
        }

        var requires = ReadEntries(body, where + " requires", RequiresKeys);
        var extensions = OptionalStringList(requires, "extensions", where + " requires");
        var settings = new List<SettingRequirementSpec>();
        if (requires.TryGetValue("settings", out var settingsNode) && ExpectMapping(settingsNode, where + " requires settings", out var settingsMapping))
        {
            foreach (var (settingKey, settingValue) in UniqueEntries(settingsMapping, where + " requires settings"))
            {
                if (!SqlNamePattern.IsMatch(settingKey.Value))
                {
                    Report(DiagnosticDescriptors.InvalidName, settingKey.Span, settingKey.Value, "setting", "use a PostgreSQL setting name such as track_functions");
                }

                var values = StringList(settingValue, settingKey.Value, where + " requires settings");
                if (values.Count > 0)
                {
                    settings.Add(new SettingRequirementSpec(settingKey.Value, values.ToImmutableEquatableArray()));
                }
            }
        }

        return new QueryRequirementsSpec(extensions.ToImmutableEquatableArray(), settings.ToImmutableEquatableArray());
    }

    private AttributeSpec? ReferencedAttribute(Dictionary<string, YamlNode> entries, string key, string where, List<AttributeSpec> declared, string section)
    {
        var name = OptionalString(entries, key);
        if (name is null)
        {
            return null;
        }

        var attribute = declared.FirstOrDefault(a => a.Key == name);
        if (attribute is null)
        {
            Report(DiagnosticDescriptors.UnknownAttribute, entries[key].Span, where, name, section);
        }

        return attribute;
    }

    private List<ParsedMetric> ParseMetrics(Dictionary<string, YamlNode> top, List<AttributeSpec> attributes, List<QuerySpec> queries)
    {
        var result = new List<ParsedMetric>();
        if (!top.TryGetValue("metrics", out var node) || IsNull(node) || !ExpectMapping(node, "metrics", out var mapping))
        {
            return result;
        }

        var generatedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in UniqueEntries(mapping, "metrics"))
        {
            var where = "metric '" + key.Value + "'";
            var propertyName = NameFormatting.ToPascalCase(key.Value);
            var metric = new MetricRef(key.Value, propertyName, "Record" + propertyName + "DataPoint");
            if (!MetricNamePattern.IsMatch(key.Value))
            {
                Report(DiagnosticDescriptors.InvalidName, key.Span, key.Value, "metric", "start with a letter; use letters, digits, '_', '.', '-' and '/'; at most 255 characters");
            }
            else if (!generatedNames.Add(propertyName))
            {
                Report(DiagnosticDescriptors.DuplicateName, key.Span, key.Value, "metrics (after conversion to a C# name)");
            }

            if (!ExpectMapping(value, where, out var body))
            {
                continue;
            }

            var entries = ReadEntries(body, where, MetricKeys);
            var description = RequiredString(entries, body, where, "description") ?? string.Empty;
            var unit = RequiredString(entries, body, where, "unit") ?? string.Empty;
            var enabled = RequiredBool(entries, body, where, "enabled") ?? false;

            var kinds = new[] { "sum", "gauge", "histogram" }.Where(entries.ContainsKey).ToList();
            if (kinds.Count != 1)
            {
                Report(DiagnosticDescriptors.UnknownMetricType, kinds.Count == 0 ? key.Span : entries[kinds[1]].Span, key.Value);
                continue;
            }

            var kind = kinds[0] switch { "sum" => MetricKind.Sum, "gauge" => MetricKind.Gauge, _ => MetricKind.Histogram };
            var valueType = NumberType.Int;
            var monotonic = false;
            var temporality = Temporality.Cumulative;
            if (ExpectMapping(entries[kinds[0]], where + " " + kinds[0], out var typeBody))
            {
                var typeEntries = ReadEntries(typeBody, where + " " + kinds[0], kind switch { MetricKind.Sum => SumKeys, MetricKind.Gauge => GaugeKeys, _ => HistogramKeys });
                valueType = ParseEnum(typeEntries, "value_type", typeBody, where, NumberTypes, required: true) ?? NumberType.Int;
                if (kind == MetricKind.Sum)
                {
                    monotonic = RequiredBool(typeEntries, typeBody, where + " sum", "monotonic") ?? false;
                    temporality = ParseEnum(typeEntries, "aggregation_temporality", typeBody, where + " sum", Temporalities, required: true) ?? Temporality.Cumulative;
                }
            }

            var metricAttributes = new List<AttributeSpec>();
            foreach (var attributeKey in OptionalStringList(entries, "attributes", where))
            {
                var attribute = attributes.FirstOrDefault(a => a.Key == attributeKey);
                if (attribute is null)
                {
                    Report(DiagnosticDescriptors.UnknownAttribute, entries["attributes"].Span, where, attributeKey, "attributes");
                    continue;
                }

                metricAttributes.Add(attribute);
            }

            var sources = ParseSources(entries, metric, where, valueType, metricAttributes, attributes, queries);
            if (kind == MetricKind.Histogram && entries.TryGetValue("source", out var histogramSource))
            {
                // One column holds one number; a histogram needs counts per bucket, so code records it.
                Report(DiagnosticDescriptors.InvalidValue, histogramSource.Span, "a query column", "source", "no source on a histogram: record it from code with " + metric.RecordMethodName + "(timestamp, count, sum, bounds, bucketCounts)");
                sources.Clear();
            }

            var spec = new MetricSpec(key.Value, description, unit, enabled, kind, valueType, monotonic, temporality, metricAttributes.ToImmutableEquatableArray(), ImmutableEquatableArray<QuerySpec>.Empty, propertyName, metric.RecordMethodName);
            result.Add(new ParsedMetric(spec, sources));
        }

        return result;
    }

    private List<ParsedSource> ParseSources(Dictionary<string, YamlNode> entries, MetricRef metric, string where, NumberType valueType, List<AttributeSpec> metricAttributes, List<AttributeSpec> attributes, List<QuerySpec> queries)
    {
        var result = new List<ParsedSource>();
        if (!entries.TryGetValue("source", out var node) || IsNull(node))
        {
            return result;
        }

        var items = node is YamlSequence sequence ? sequence.Items : [node];
        foreach (var item in items)
        {
            if (!ExpectMapping(item, where + " source", out var body))
            {
                continue;
            }

            var source = ReadEntries(body, where + " source", SourceKeys);
            var queryName = RequiredString(source, body, where + " source", "query");
            var columnName = RequiredString(source, body, where + " source", "column");
            var fixedValues = ParseFixedAttributes(source, where, metricAttributes, attributes);
            if (queryName is null || columnName is null)
            {
                continue;
            }

            var query = queries.FirstOrDefault(q => q.Name == queryName);
            if (query is null)
            {
                Report(DiagnosticDescriptors.MissingQuery, source["query"].Span, metric.Name, queryName);
                continue;
            }

            var column = query.Columns.FirstOrDefault(c => c.Name == columnName);
            if (column is null)
            {
                Report(DiagnosticDescriptors.MissingColumn, source["column"].Span, metric.Name, columnName, queryName);
                continue;
            }

            var fits = column.Type == AttributeType.Int || (column.Type == AttributeType.Double && valueType == NumberType.Double);
            if (!fits)
            {
                Report(DiagnosticDescriptors.ColumnTypeMismatch, source["column"].Span, columnName, queryName, column.Type.ToString().ToLowerInvariant(), valueType.ToString().ToLowerInvariant(), metric.Name);
                continue;
            }

            var values = new List<AttributeValueSpec>();
            foreach (var attribute in metricAttributes)
            {
                // A value the source fixes wins over a column; otherwise the first column that sets the attribute gives it.
                var value = fixedValues.FirstOrDefault(f => f.Attribute.Key == attribute.Key)
                    ?? (query.Columns.FirstOrDefault(c => c.Attribute?.Key == attribute.Key) is { } attributeColumn ? new AttributeValueSpec(attribute, attributeColumn, null, null) : null);
                if (value is null)
                {
                    Report(DiagnosticDescriptors.AttributeNotProvided, body.Span, metric.Name, attribute.Key, queryName);
                    continue;
                }

                values.Add(value);
            }

            result.Add(new ParsedSource(queryName, new RecordingSpec(metric, column, values.ToImmutableEquatableArray())));
        }

        return result;
    }

    private List<AttributeValueSpec> ParseFixedAttributes(Dictionary<string, YamlNode> source, string where, List<AttributeSpec> metricAttributes, List<AttributeSpec> attributes)
    {
        var result = new List<AttributeValueSpec>();
        if (!source.TryGetValue("attributes", out var node) || !ExpectMapping(node, where + " source attributes", out var mapping))
        {
            return result;
        }

        foreach (var (key, value) in UniqueEntries(mapping, where + " source attributes"))
        {
            var attribute = metricAttributes.FirstOrDefault(a => a.Key == key.Value);
            if (attribute is null)
            {
                var declared = attributes.Any(a => a.Key == key.Value);
                Report(DiagnosticDescriptors.UnknownAttribute, key.Span, where + " source", key.Value, declared ? "the metric's attributes" : "attributes");
                continue;
            }

            if (value is not YamlScalar scalar)
            {
                Report(DiagnosticDescriptors.ExpectedMapping, value.Span, key.Value, "a scalar");
                continue;
            }

            var enumValue = attribute.EnumValues.FirstOrDefault(v => v.Value == scalar.Value);
            if (attribute.IsEnum && enumValue is null)
            {
                Report(DiagnosticDescriptors.UndeclaredEnumValue, scalar.Span, scalar.Value, key.Value, string.Join(", ", attribute.EnumValues.Select(v => v.Value)));
                continue;
            }

            if (!FitsType(scalar.Value, attribute.Type))
            {
                Report(DiagnosticDescriptors.InvalidValue, scalar.Span, scalar.Value, key.Value, "a value of type " + attribute.Type.ToString().ToLowerInvariant());
                continue;
            }

            result.Add(new AttributeValueSpec(attribute, null, scalar.Value, enumValue));
        }

        return result;
    }

    /// <summary>
    /// Gives each query the recordings its rows yield and each metric the queries it is read from. The
    /// queries are final only once every metric is read, so metrics take them last; the model has no cycle
    /// because a query names its metrics by <see cref="MetricRef"/>.
    /// </summary>
    private static (ImmutableEquatableArray<MetricSpec> Metrics, ImmutableEquatableArray<QuerySpec> Queries) Resolve(List<ParsedMetric> metrics, List<QuerySpec> queries)
    {
        var resolvedQueries = new Dictionary<string, QuerySpec>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            var recordings = metrics.SelectMany(m => m.Sources).Where(s => s.Query == query.Name).Select(s => s.Recording).ToList();
            resolvedQueries[query.Name] = query with
            {
                Metrics = recordings.Select(r => r.Metric).Distinct().ToImmutableEquatableArray(),
                Recordings = recordings.ToImmutableEquatableArray(),
            };
        }

        var resolvedMetrics = metrics.Select(m => m.Spec with
        {
            SourceQueries = m.Sources.Select(s => s.Query).Distinct().Select(name => resolvedQueries[name]).ToImmutableEquatableArray(),
        });
        return (resolvedMetrics.ToImmutableEquatableArray(), queries.Select(q => resolvedQueries[q.Name]).ToImmutableEquatableArray());
    }

    /// <summary>A metric as read, with its sources still named by query: the queries gain their recordings last.</summary>
    private sealed record ParsedMetric(MetricSpec Spec, List<ParsedSource> Sources);

    private sealed record ParsedSource(string Query, RecordingSpec Recording);

    private static bool FitsType(string value, AttributeType type) => type switch
    {
        AttributeType.Int => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        AttributeType.Double => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        AttributeType.Bool => value is "true" or "false",
        _ => true,
    };

    private static readonly (string Name, AttributeType Value)[] AttributeTypes = [("string", AttributeType.String), ("int", AttributeType.Int), ("double", AttributeType.Double), ("bool", AttributeType.Bool)];
    private static readonly (string Name, NumberType Value)[] NumberTypes = [("int", NumberType.Int), ("double", NumberType.Double)];
    private static readonly (string Name, Temporality Value)[] Temporalities = [("cumulative", Temporality.Cumulative), ("delta", Temporality.Delta)];
    private static readonly (string Name, QueryScope Value)[] QueryScopes = [("instance", QueryScope.Instance), ("per_database", QueryScope.PerDatabase)];

    private T? ParseEnum<T>(Dictionary<string, YamlNode> entries, string key, YamlNode parent, string where, (string Name, T Value)[] choices, bool required)
        where T : struct
    {
        if (!entries.TryGetValue(key, out var node))
        {
            if (required)
            {
                Report(DiagnosticDescriptors.MissingKey, parent.Span, where, key);
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

        Report(DiagnosticDescriptors.InvalidValue, node.Span, Show(node), key, "one of " + string.Join(", ", choices.Select(c => c.Name)));
        return null;
    }

    private string? RequiredString(Dictionary<string, YamlNode> entries, YamlNode parent, string where, string key)
    {
        if (!entries.ContainsKey(key))
        {
            Report(DiagnosticDescriptors.MissingKey, parent.Span, where, key);
            return null;
        }

        var value = OptionalString(entries, key);
        if (value is null || value.Trim().Length == 0)
        {
            Report(DiagnosticDescriptors.InvalidValue, entries[key].Span, Show(entries[key]), key, "non-empty text");
            return null;
        }

        return value;
    }

    private string? OptionalString(Dictionary<string, YamlNode> entries, string key)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node is YamlScalar scalar && !scalar.IsNull)
        {
            return scalar.Value;
        }

        Report(DiagnosticDescriptors.InvalidValue, node.Span, Show(node), key, "text");
        return null;
    }

    private bool? RequiredBool(Dictionary<string, YamlNode> entries, YamlNode parent, string where, string key)
    {
        if (!entries.ContainsKey(key))
        {
            Report(DiagnosticDescriptors.MissingKey, parent.Span, where, key);
            return null;
        }

        return OptionalBool(entries, key);
    }

    private bool? OptionalBool(Dictionary<string, YamlNode> entries, string key)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node is YamlScalar { IsPlain: true } scalar && scalar.Value is "true" or "false")
        {
            return scalar.Value == "true";
        }

        Report(DiagnosticDescriptors.InvalidValue, node.Span, Show(node), key, "true or false");
        return null;
    }

    private int? OptionalVersion(Dictionary<string, YamlNode> entries, string key)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node is YamlScalar { IsPlain: true } scalar && int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 90000)
        {
            return version;
        }

        Report(DiagnosticDescriptors.InvalidValue, node.Span, Show(node), key, "a server_version_num such as 120000 or 170002");
        return null;
    }

    private List<string> OptionalStringList(Dictionary<string, YamlNode> entries, string key, string where)
        => entries.TryGetValue(key, out var node) ? StringList(node, key, where) : [];

    private List<string> StringList(YamlNode node, string key, string where)
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
                    Report(DiagnosticDescriptors.DuplicateName, scalar.Span, scalar.Value, where + " " + key);
                }
                else
                {
                    result.Add(scalar.Value);
                }
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidValue, item.Span, Show(item), key, "a list of text values");
            }
        }

        return result;
    }

    /// <summary>Collects a mapping's entries by key, reporting unknown and repeated keys.</summary>
    private Dictionary<string, YamlNode> ReadEntries(YamlMapping mapping, string where, string[] allowedKeys)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in UniqueEntries(mapping, where))
        {
            if (Array.IndexOf(allowedKeys, key.Value) < 0)
            {
                Report(DiagnosticDescriptors.UnknownKey, key.Span, key.Value, where, string.Join(", ", allowedKeys));
                continue;
            }

            result[key.Value] = value;
        }

        return result;
    }

    private IEnumerable<(YamlScalar Key, YamlNode Value)> UniqueEntries(YamlMapping mapping, string where)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (!seen.Add(entry.Key.Value))
            {
                Report(DiagnosticDescriptors.DuplicateName, entry.Key.Span, entry.Key.Value, where);
                continue;
            }

            yield return (entry.Key, entry.Value);
        }
    }

    private bool ExpectMapping(YamlNode node, string where, out YamlMapping mapping)
    {
        if (node is YamlMapping m)
        {
            mapping = m;
            return true;
        }

        mapping = null!;
        Report(DiagnosticDescriptors.ExpectedMapping, node.Span, where, "a mapping (key: value lines), not " + node.Describe());
        return false;
    }

    private bool ExpectSequence(YamlNode node, string where, out YamlSequence sequence)
    {
        if (node is YamlSequence s)
        {
            sequence = s;
            return true;
        }

        sequence = null!;
        Report(DiagnosticDescriptors.ExpectedMapping, node.Span, where, "a list, not " + node.Describe());
        return false;
    }

    private static bool IsNull(YamlNode node) => node is YamlScalar scalar && scalar.IsNull;

    private static string Show(YamlNode node) => node is YamlScalar scalar ? Truncate(scalar.Value) : node.Describe();

    private static string Truncate(string value) => value.Length <= 80 ? value : value.Substring(0, 77) + "...";

    private void Report(DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        => _diagnostics.Add(new DiagnosticInfo(descriptor, span, arguments.ToImmutableEquatableArray()));
}
