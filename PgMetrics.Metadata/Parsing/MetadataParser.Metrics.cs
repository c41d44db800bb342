using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>Reads <c>metrics</c>: type, unit, value type, attributes and C# names; sources are resolved in MetadataParser.References.cs.</summary>
public sealed partial class MetadataParser
{
    private static readonly string[] MetricKeys = ["enabled", "description", "unit", "sum", "gauge", "histogram", "attributes", "source", "extended_documentation", "warnings", "stability"];
    private static readonly string[] SumKeys = ["value_type", "monotonic", "aggregation_temporality", "input_type"];
    private static readonly string[] GaugeKeys = ["value_type", "input_type"];
    private static readonly string[] HistogramKeys = ["value_type", "bucket_boundaries"];
    private static readonly (string Name, NumberType Value)[] NumberTypes = [("int", NumberType.Int), ("double", NumberType.Double)];
    private static readonly (string Name, Temporality Value)[] Temporalities = [("cumulative", Temporality.Cumulative), ("delta", Temporality.Delta)];

    // The OpenTelemetry instrument name syntax.
    private static readonly Regex MetricNamePattern = new("^[A-Za-z][A-Za-z0-9_./-]{0,254}$", RegexOptions.CultureInvariant);

    private List<ParsedMetric> ParseMetrics(Dictionary<string, YamlNode> top, List<AttributeSpec> attributes, List<QuerySpec> queries)
    {
        var result = new List<ParsedMetric>();
        if (!top.TryGetValue("metrics", out var node) || node.IsNull || !_yaml.ExpectMapping(node, "metrics", out var mapping))
        {
            return result;
        }

        var generatedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in _yaml.UniqueEntries(mapping, "metrics"))
        {
            var where = "metric '" + key.Value + "'";
            _metricLocations.Add(new NameLocation(key.Value, key.Span));
            var propertyName = NameFormatting.ToPascalCase(key.Value);
            var metric = new MetricRef(key.Value, propertyName, "Record" + propertyName + "DataPoint");
            if (!MetricNamePattern.IsMatch(key.Value))
            {
                Report(MetadataDiagnostics.InvalidName, key.Span, key.Value, "metric", "start with a letter; use letters, digits, '_', '.', '-' and '/'; at most 255 characters");
            }
            else if (!generatedNames.Add(propertyName))
            {
                Report(MetadataDiagnostics.DuplicateName, key.Span, key.Value, "metrics (after conversion to a C# name)");
            }

            if (!_yaml.ExpectMapping(value, where, out var body))
            {
                continue;
            }

            var entries = _yaml.ReadEntries(body, where, MetricKeys);
            var description = _yaml.RequiredString(entries, body, where, "description") ?? string.Empty;
            var unit = _yaml.RequiredString(entries, body, where, "unit") ?? string.Empty;
            var enabled = _yaml.RequiredBool(entries, body, where, "enabled") ?? false;

            var kinds = new[] { "sum", "gauge", "histogram" }.Where(entries.ContainsKey).ToList();
            if (kinds.Count != 1)
            {
                Report(MetadataDiagnostics.UnknownMetricType, kinds.Count == 0 ? key.Span : entries[kinds[1]].Span, key.Value);
                continue;
            }

            var kind = kinds[0] switch { "sum" => MetricKind.Sum, "gauge" => MetricKind.Gauge, _ => MetricKind.Histogram };
            var valueType = NumberType.Int;
            var monotonic = false;
            var temporality = Temporality.Cumulative;
            if (_yaml.ExpectMapping(entries[kinds[0]], where + " " + kinds[0], out var typeBody))
            {
                var typeEntries = _yaml.ReadEntries(typeBody, where + " " + kinds[0], kind switch { MetricKind.Sum => SumKeys, MetricKind.Gauge => GaugeKeys, _ => HistogramKeys });
                valueType = _yaml.ParseEnum(typeEntries, "value_type", typeBody, where, NumberTypes, required: true) ?? NumberType.Int;
                if (kind == MetricKind.Sum)
                {
                    monotonic = _yaml.RequiredBool(typeEntries, typeBody, where + " sum", "monotonic") ?? false;
                    temporality = _yaml.ParseEnum(typeEntries, "aggregation_temporality", typeBody, where + " sum", Temporalities, required: true) ?? Temporality.Cumulative;
                }
            }

            var metricAttributes = new List<AttributeSpec>();
            foreach (var attributeKey in _yaml.OptionalStringList(entries, "attributes", where))
            {
                var attribute = attributes.FirstOrDefault(a => a.Key == attributeKey);
                if (attribute is null)
                {
                    Report(MetadataDiagnostics.UnknownAttribute, entries["attributes"].Span, where, attributeKey, "attributes");
                    continue;
                }

                metricAttributes.Add(attribute);
            }

            var sources = ParseSources(entries, metric, where, valueType, metricAttributes, attributes, queries);
            if (kind == MetricKind.Histogram && entries.TryGetValue("source", out var histogramSource))
            {
                // One column holds one number; a histogram needs counts per bucket, so code records it.
                Report(MetadataDiagnostics.HistogramSource, histogramSource.Span, key.Value, metric.RecordMethodName);
                sources.Clear();
            }

            var spec = new MetricSpec(key.Value, description, unit, enabled, kind, valueType, monotonic, temporality, metricAttributes.ToImmutableEquatableArray(), ImmutableEquatableArray<QuerySpec>.Empty, propertyName, metric.RecordMethodName);
            result.Add(new ParsedMetric(spec, sources));
        }

        return result;
    }
}
