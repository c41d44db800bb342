using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>Resolves what a metric's <c>source</c> names (query, column, attributes) into recordings on the queries.</summary>
public sealed partial class MetadataParser
{
    private static readonly string[] SourceKeys = ["query", "column", "attributes"];

    private List<ParsedSource> ParseSources(Dictionary<string, YamlNode> entries, MetricRef metric, string where, NumberType valueType, List<AttributeSpec> metricAttributes, List<AttributeSpec> attributes, List<QuerySpec> queries)
    {
        var result = new List<ParsedSource>();
        if (!entries.TryGetValue("source", out var node) || node.IsNull)
        {
            return result;
        }

        var items = node is YamlSequence sequence ? sequence.Items : [node];
        foreach (var item in items)
        {
            if (!_yaml.ExpectMapping(item, where + " source", out var body))
            {
                continue;
            }

            var source = _yaml.ReadEntries(body, where + " source", SourceKeys);
            var queryName = _yaml.RequiredString(source, body, where + " source", "query");
            var columnName = _yaml.RequiredString(source, body, where + " source", "column");
            var fixedValues = ParseFixedAttributes(source, where, metricAttributes, attributes);
            if (queryName is null || columnName is null)
            {
                continue;
            }

            var query = queries.FirstOrDefault(q => q.Name == queryName);
            if (query is null)
            {
                Report(MetadataDiagnostics.MissingQuery, source["query"].Span, metric.Name, queryName);
                continue;
            }

            var column = query.Columns.FirstOrDefault(c => c.Name == columnName);
            if (column is null)
            {
                Report(MetadataDiagnostics.MissingColumn, source["column"].Span, metric.Name, columnName, queryName);
                continue;
            }

            var fits = column.Type == AttributeType.Int || (column.Type == AttributeType.Double && valueType == NumberType.Double);
            if (!fits)
            {
                Report(MetadataDiagnostics.ColumnTypeMismatch, source["column"].Span, columnName, queryName, column.Type.ToString().ToLowerInvariant(), valueType.ToString().ToLowerInvariant(), metric.Name);
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
                    Report(MetadataDiagnostics.AttributeNotProvided, body.Span, metric.Name, attribute.Key, queryName);
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
        if (!source.TryGetValue("attributes", out var node) || !_yaml.ExpectMapping(node, where + " source attributes", out var mapping))
        {
            return result;
        }

        foreach (var (key, value) in _yaml.UniqueEntries(mapping, where + " source attributes"))
        {
            var attribute = metricAttributes.FirstOrDefault(a => a.Key == key.Value);
            if (attribute is null)
            {
                var declared = attributes.Any(a => a.Key == key.Value);
                Report(MetadataDiagnostics.UnknownAttribute, key.Span, where + " source", key.Value, declared ? "the metric's attributes" : "attributes");
                continue;
            }

            if (value is not YamlScalar scalar)
            {
                Report(MetadataDiagnostics.WrongNodeKind, value.Span, key.Value, "a single value, not " + value.Describe());
                continue;
            }

            var enumValue = attribute.EnumValues.FirstOrDefault(v => v.Value == scalar.Value);
            if (attribute.IsEnum && enumValue is null)
            {
                Report(MetadataDiagnostics.UndeclaredEnumValue, scalar.Span, scalar.Value, key.Value, string.Join(", ", attribute.EnumValues.Select(v => v.Value)));
                continue;
            }

            if (!FitsType(scalar.Value, attribute.Type))
            {
                Report(MetadataDiagnostics.InvalidValue, scalar.Span, scalar.Value, key.Value, "a value of type " + attribute.Type.ToString().ToLowerInvariant());
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
}
