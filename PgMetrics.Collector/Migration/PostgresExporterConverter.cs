using System.Text.RegularExpressions;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PgMetrics.Collector.Migration;

/// <summary>
/// Turns a postgres_exporter queries file (<c>--extend.query-path</c>) into the equivalent metadata.yaml,
/// as postgres_exporter reads one: each top-level key is a namespace with a <c>query</c> and the
/// <c>metrics</c> its columns give, named <c>&lt;namespace&gt;_&lt;column&gt;</c> (the names kept, so
/// queries and alerts on them still find them). <c>LABEL</c> columns become attributes of every metric of
/// the query, <c>COUNTER</c> a monotonic cumulative sum, <c>GAUGE</c> a gauge, all as doubles (Prometheus
/// values are float64); <c>runonserver</c> becomes <c>min_version</c>/<c>max_version</c>. What has no
/// equivalent is reported as not supported with its place, and the rest still converts.
/// </summary>
internal static partial class PostgresExporterConverter
{
    private static readonly string[] QueryKeys = ["query", "metrics", "master", "cache_seconds", "runonserver"];
    private static readonly string[] ColumnKeys = ["usage", "description", "mapping"];

    /// <summary>Converts <paramref name="text"/>; <paramref name="file"/> names it in problems and in the output's comment.</summary>
    /// <returns>The metadata (null when the text is not a queries file at all) and every problem, each with its place.</returns>
    public static (ConvertedMetadata? Metadata, IReadOnlyList<ConfigError> Problems) Convert(string text, string file)
    {
        var problems = new List<ConfigError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            return (null, [new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, "(yaml)", ex.InnerException?.Message ?? ex.Message)]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, [new ConfigError(file, 1, 1, "(root)", "a postgres_exporter queries file is a mapping of namespace: {query, metrics}")]);
        }

        var attributes = new List<ConvertedAttribute>();
        var metrics = new List<ConvertedMetric>();
        var queries = new List<ConvertedQuery>();
        foreach (var (keyNode, value) in root.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var query = new QueryReader(file, name, keyNode, problems);
            if (query.Read(value, attributes, metrics) is { } converted)
            {
                queries.Add(converted);
            }
        }

        var comment = $"Converted by `pgmetrics convert postgres-exporter` from {Path.GetFileName(file)}; review units and descriptions (docs/migration.md).";
        return (new ConvertedMetadata("postgres_exporter", comment, attributes, metrics, queries), [.. problems.OrderBy(p => p.Line).ThenBy(p => p.Column)]);
    }

    /// <summary>A name as metadata.yaml allows it: lower-case letters, digits and underscores for queries and columns.</summary>
    private static string SqlName(string name)
    {
        var cleaned = NotSqlName().Replace(name.ToLowerInvariant(), "_");
        return cleaned.Length == 0 || char.IsDigit(cleaned[0]) ? "_" + cleaned : cleaned;
    }

    [GeneratedRegex("[^a-z0-9_]", RegexOptions.CultureInvariant)]
    private static partial Regex NotSqlName();

    /// <summary>Reads one namespace: its keys, then its columns in order.</summary>
    private sealed class QueryReader(string file, string name, YamlNode keyNode, List<ConfigError> problems)
    {
        public ConvertedQuery? Read(YamlNode value, List<ConvertedAttribute> attributes, List<ConvertedMetric> metrics)
        {
            if (value is not YamlMappingNode body)
            {
                Report(value, name, "must be a mapping with query and metrics; left out");
                return null;
            }

            var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (entryKey, entryValue) in body.Children)
            {
                var key = (entryKey as YamlScalarNode)?.Value ?? string.Empty;
                if (!QueryKeys.Contains(key))
                {
                    Report(entryKey, name + "." + key, "not supported: postgres_exporter has no such key either; ignored");
                    continue;
                }

                entries[key] = entryValue;
            }

            ReportUnsupportedQueryKeys(entries);
            if (!entries.TryGetValue("query", out var sqlNode) || sqlNode is not YamlScalarNode { Value: { Length: > 0 } sql })
            {
                Report(body, name + ".query", "is missing or empty; the namespace is left out");
                return null;
            }

            var queryName = SqlName(name);
            if (queryName != name)
            {
                Report(keyNode, name, $"is not a metadata.yaml query name (lower-case letters, digits, underscores); written as '{queryName}'");
            }

            var (minVersion, maxVersion) = ReadVersionRange(entries);
            var (columns, labels, values) = ReadColumns(entries.GetValueOrDefault("metrics"), attributes);
            if (values.Count == 0)
            {
                Report(body, name, "has no COUNTER or GAUGE column to convert; the namespace is left out");
                return null;
            }

            foreach (var (column, usage, description) in values)
            {
                var metricName = MetricName(name + "_" + column);
                metrics.Add(new ConvertedMetric(
                    metricName,
                    description ?? $"{column} from the {name} query (converted from postgres_exporter).",
                    metricName.EndsWith("_seconds", StringComparison.Ordinal) ? "s" : metricName.EndsWith("_bytes", StringComparison.Ordinal) ? "By" : "1",
                    usage == "COUNTER",
                    queryName,
                    column,
                    labels));
            }

            return new ConvertedQuery(queryName, sql, minVersion, maxVersion, columns);
        }

        private void ReportUnsupportedQueryKeys(Dictionary<string, YamlNode> entries)
        {
            if (entries.TryGetValue("master", out var master))
            {
                Report(master, name + ".master", "not supported: every query runs once per scrape in the receiver's database (scope: instance), which is what master: true asks for; write scope: per_database to run one in every database");
            }

            if (entries.TryGetValue("cache_seconds", out var cache))
            {
                Report(cache, name + ".cache_seconds", "not supported: every query runs at each collection_interval; give the receiver a longer interval, or a receiver of its own, for costly queries");
            }
        }

        private (int? Min, int? Max) ReadVersionRange(Dictionary<string, YamlNode> entries)
        {
            if (!entries.TryGetValue("runonserver", out var node))
            {
                return (null, null);
            }

            if (node is YamlScalarNode { Value: { } range } && ServerVersionRange.TryParse(range, out var min, out var max))
            {
                return (min, max);
            }

            Report(node, name + ".runonserver", "not supported: only comparisons joined by spaces (e.g. '>=10.0.0 <13.0.0') convert to min_version/max_version; the query runs on every version");
            return (null, null);
        }

        private (List<ConvertedColumn> Columns, List<string> Labels, List<(string Column, string Usage, string? Description)> Values) ReadColumns(YamlNode? node, List<ConvertedAttribute> attributes)
        {
            var columns = new List<ConvertedColumn>();
            var labels = new List<string>();
            var values = new List<(string, string, string?)>();
            if (node is not YamlSequenceNode list)
            {
                Report(node ?? keyNode, name + ".metrics", "must be a list of column: {usage, description}");
                return (columns, labels, values);
            }

            for (var i = 0; i < list.Children.Count; i++)
            {
                var where = $"{name}.metrics[{i}]";
                if (list.Children[i] is not YamlMappingNode { Children.Count: 1 } item || item.Children.First().Key is not YamlScalarNode { Value: { } rawColumn } columnNode)
                {
                    Report(list.Children[i], where, "must be one column: {usage, description}; left out");
                    continue;
                }

                var column = SqlName(rawColumn);
                if (column != rawColumn)
                {
                    Report(columnNode, where, $"'{rawColumn}' is not a column name PostgreSQL returns unquoted; written as '{column}'");
                }

                var settings = item.Children.First().Value as YamlMappingNode;
                CheckSettings(settings, where);
                var usage = Setting(settings, "usage")?.ToUpperInvariant() ?? "UNTYPED";
                var description = Setting(settings, "description");
                switch (usage)
                {
                    case "LABEL":
                        columns.Add(new ConvertedColumn(column, "string", column));
                        labels.Add(column);
                        if (!attributes.Any(a => a.Name == column))
                        {
                            attributes.Add(new ConvertedAttribute(column, description ?? $"The {column} label of postgres_exporter's queries."));
                        }

                        break;
                    case "COUNTER" or "GAUGE":
                        columns.Add(new ConvertedColumn(column, "double", null));
                        values.Add((column, usage, description));
                        break;
                    case "DISCARD":
                        columns.Add(new ConvertedColumn(column, "string", null));
                        break;
                    default:
                        // Declared all the same, so the select list still matches what the query returns.
                        columns.Add(new ConvertedColumn(column, "string", null));
                        Report(columnNode, where, Unsupported(usage, rawColumn));
                        break;
                }
            }

            return (columns, labels, values);
        }

        private static string Unsupported(string usage, string column) => usage switch
        {
            "MAPPEDMETRIC" => "not supported: usage MAPPEDMETRIC; map the text to a number in the SQL (CASE ... END) and make the column a GAUGE",
            "DURATION" => "not supported: usage DURATION; return the milliseconds as a number in the SQL and make the column a GAUGE",
            "HISTOGRAM" => $"not supported: usage HISTOGRAM (a metadata.yaml histogram is recorded from code, PGM015); list the query's {column}_sum and {column}_count as COUNTER columns instead, and take {column} and {column}_bucket out of the SELECT",
            "UNTYPED" => "has no usage; kept as text and records nothing",
            _ => $"not supported: usage '{usage}' (postgres_exporter has LABEL, COUNTER, GAUGE, DISCARD, MAPPEDMETRIC, DURATION, HISTOGRAM); kept as text and records nothing",
        };

        private void CheckSettings(YamlMappingNode? settings, string where)
        {
            if (settings is null)
            {
                return;
            }

            foreach (var settingKey in settings.Children.Keys)
            {
                var setting = (settingKey as YamlScalarNode)?.Value ?? string.Empty;
                if (!ColumnKeys.Contains(setting))
                {
                    Report(settingKey, where + "." + setting, "not supported: postgres_exporter has no such key either; ignored");
                }
            }
        }

        private static string? Setting(YamlMappingNode? settings, string key)
            => settings?.Children.FirstOrDefault(e => (e.Key as YamlScalarNode)?.Value == key).Value is YamlScalarNode { Value: { Length: > 0 } text } ? text : null;

        private static string MetricName(string name)
        {
            var cleaned = NotMetricName().Replace(name, "_");
            return char.IsAsciiLetter(cleaned[0]) ? cleaned : "pg_" + cleaned;
        }

        private void Report(YamlNode node, string key, string message)
            => problems.Add(new ConfigError(file, (int)node.Start.Line, (int)node.Start.Column, key, message));
    }

    [GeneratedRegex("[^A-Za-z0-9_./-]", RegexOptions.CultureInvariant)]
    private static partial Regex NotMetricName();
}
