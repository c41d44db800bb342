using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Telemetry;
using YamlDotNet.RepresentationModel;

namespace PgMetrics.Collector.Tests;

/// <summary>
/// Every NRQL query in <c>dashboards/</c> (the dashboard's widgets and variables, and each alert condition) names
/// only event types, metrics and attributes PgMetrics emits: the metrics and attributes of metadata.yaml, the
/// collector's own pgmetrics.* metrics and their attributes as they are recorded, and the attributes of the two
/// query events as they are built.
/// </summary>
public sealed partial class DashboardQueriesTests
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "FROM", "SELECT", "WHERE", "FACET", "TIMESERIES", "LIMIT", "AS", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "SINCE", "UNTIL",
        "AGO", "AUTO", "MAX", "TRUE", "FALSE", "SECOND", "SECONDS", "MINUTE", "MINUTES", "HOUR", "HOURS", "DAY", "DAYS", "WITH", "COMPARE",
    };

    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "latest", "max", "min", "sum", "average", "count", "rate", "uniqueCount", "uniques", "filter", "percentile",
    };

    // What New Relic adds to every metric data point: the metric's name and the OTLP scope's name.
    private static readonly string[] NewRelicMetricAttributes = ["metricName", "otel.library.name"];

    private static readonly string Root = FindRoot();

    public static TheoryData<string, string> Queries()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "dashboards"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var query in QueriesIn(document.RootElement))
            {
                data.Add(Path.GetRelativePath(Root, file), query);
            }
        }

        return data;
    }

    [Fact]
    public void The_dashboard_has_the_quickstarts_pages_and_every_alert_condition_is_there()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "dashboards", "postgresql.json")));
        var pages = dashboard.RootElement.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();

        Assert.Equal(["Overview", "Slow queries", "Active queries and waits", "Transactions", "Row operations", "Tables and indexes", "Buffer cache", "Background writer", "Locks", "Replication and WAL", "PgBouncer"], pages);
        Assert.Equal(
            ["connection-saturation", "deadlocks", "export-failures", "long-running-queries", "replication-lag", "scrape-errors", "slot-holds-back-vacuum", "wraparound-age"],
            Directory.GetFiles(Path.Combine(Root, "dashboards", "alerts"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void Every_name_a_query_uses_is_one_PgMetrics_emits(string file, string query)
    {
        var tokens = Tokenize(query);
        var from = tokens.FindIndex(t => t.Equals("FROM", StringComparison.OrdinalIgnoreCase));
        Assert.True(from >= 0 && from + 1 < tokens.Count, $"{file}: no FROM in {query}");
        var eventType = tokens[from + 1];
        var known = eventType switch
        {
            "Metric" => MetricNames.Value,
            "DbServerQuerySample" => EventAttributes(sample: true),
            "DbServerTopQuery" => EventAttributes(sample: false),
            _ => throw new Xunit.Sdk.XunitException($"{file}: unknown event type {eventType} in {query}"),
        };

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (i == from + 1 || !IsName(token) || Keywords.Contains(token) || (i + 1 < tokens.Count && tokens[i + 1] == "(" && Functions.Contains(token)))
            {
                continue;
            }

            Assert.True(known.Contains(token.Trim('`')), $"{file}: '{token}' in {query} is not a metric or attribute PgMetrics sends as {eventType}");
        }
    }

    private static readonly Lazy<HashSet<string>> MetricNames = new(() =>
    {
        var names = new HashSet<string>(NewRelicMetricAttributes, StringComparer.Ordinal)
        {
            ServerIdentity.ServerAddressAttribute, ServerIdentity.ServerPortAttribute, ServerIdentity.ServiceInstanceIdAttribute,
            "db.namespace", "db.collection.name",
        };

        // The catalogue's metadata.yaml and the pgbouncer receiver's.
        foreach (var file in new[] { "metadata.yaml", Path.Combine("PgMetrics.Runtime", "Pgbouncer", "metadata.yaml") })
        {
            AddDeclaredNames(names, Path.Combine(Root, file));
        }

        names.UnionWith(SelfMetricNamesAndAttributes());
        return names;
    });

    /// <summary>The resource attributes, metrics and the attributes those metrics use (as sent: <c>name_override</c> applied) of one metadata.yaml.</summary>
    private static void AddDeclaredNames(HashSet<string> names, string path)
    {
        var metadata = new YamlStream();
        metadata.Load(new StringReader(File.ReadAllText(path)));
        var root = (YamlMappingNode)metadata.Documents[0].RootNode;
        var attributes = root.Children.TryGetValue("attributes", out var declaredAttributes) ? (YamlMappingNode)declaredAttributes : new YamlMappingNode();
        foreach (var resource in ((YamlMappingNode)root["resource_attributes"]).Children.Keys)
        {
            names.Add(resource.ToString());
        }

        foreach (var (metric, definition) in ((YamlMappingNode)root["metrics"]).Children)
        {
            names.Add(metric.ToString());
            if (((YamlMappingNode)definition).Children.TryGetValue("attributes", out var used))
            {
                foreach (var attribute in (YamlSequenceNode)used)
                {
                    var declared = (YamlMappingNode)attributes[attribute];
                    names.Add(declared.Children.TryGetValue("name_override", out var name) ? name.ToString() : attribute.ToString());
                }
            }
        }
    }

    /// <summary>The collector's own instruments and the attributes they are recorded with, read from a listener as an exporter reads them.</summary>
    private static HashSet<string> SelfMetricNamesAndAttributes()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PgMetricsMeter.Name)
            {
                names.Add(instrument.Name);
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                names.Add(tag.Key);
            }
        }

        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Tags(tags));
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Tags(tags));
        listener.SetMeasurementEventCallback<int>((_, _, tags, _) => Tags(tags));
        listener.Start();
        PgMetricsInstruments.RecordScrape("postgresql", "metrics", new ScrapeResult(0, [], 0, 1, [new ScrapeError(ScrapeErrorKind.Query, "q", "db", "m")], TimeSpan.Zero)
        {
            RejectedValues = [new RejectedValue("q", "db", "c", 1)],
        });
        PgMetricsInstruments.RecordExportFailure("newrelic", "status_503");
        PgMetricsInstruments.RecordExported("newrelic", 1, 1);
        PgMetricsInstruments.RecordDropped("newrelic", 1, "queue_full");
        PgMetricsInstruments.RecordRetry("newrelic");
        PgMetricsInstruments.RecordOverflow("newrelic", 1);
        PgMetricsInstruments.RecordConfigReload(true);
        listener.RecordObservableInstruments();
        return names;
    }

    private static HashSet<string> EventAttributes(bool sample)
    {
        var record = sample
            ? new QuerySampleEvent("db", "u", "SELECT 1", "active", 1, "a", "", 0, "", "", "", "", "", 0, "{}", "", 0, "", "", "", "").ToLogRecord(0)
            : new TopQueryEvent(new StatementKey("1", "db", "u"), "SELECT 1", default, PlanOutcome.Failed("why")).ToLogRecord(0);
        return new HashSet<string>(record.Attributes.Select(a => a.Key), StringComparer.Ordinal)
        {
            // The resource every event is sent under.
            ServerIdentity.ServerAddressAttribute, ServerIdentity.ServerPortAttribute, ServerIdentity.ServiceInstanceIdAttribute, "pgmetrics.receiver",
        };
    }

    private static IEnumerable<string> QueriesIn(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "query" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }
                    else
                    {
                        foreach (var query in QueriesIn(property.Value))
                        {
                            yield return query;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var query in QueriesIn(item))
                    {
                        yield return query;
                    }
                }

                break;
        }
    }

    /// <summary>NRQL's tokens: quoted strings and <c>{{variables}}</c> kept whole so nothing inside them is taken for a name.</summary>
    private static List<string> Tokenize(string nrql) => [.. NrqlToken().Matches(nrql).Select(m => m.Value)];

    private static bool IsName(string token) => token[0] == '`' || char.IsLetter(token[0]) || token[0] == '_';

    [GeneratedRegex(@"'(?:[^']|'')*'|\{\{\w+\}\}|`[^`]+`|[A-Za-z_][A-Za-z0-9_.]*|\d+(?:\.\d+)?|[(),]|[*/+\-=!<>]+")]
    private static partial Regex NrqlToken();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "metadata.yaml")) && Directory.Exists(Path.Combine(directory.FullName, "dashboards")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (metadata.yaml and dashboards/) was not found above " + AppContext.BaseDirectory);
    }
}
