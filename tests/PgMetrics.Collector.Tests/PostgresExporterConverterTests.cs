using PgMetrics.Collector.Migration;
using PgMetrics.Metadata.Model;
using PgMetrics.Metadata.Parsing;

namespace PgMetrics.Collector.Tests;

/// <summary>A postgres_exporter queries file becomes metadata.yaml with the exporter's names; what has no equivalent is named with its place.</summary>
public sealed class PostgresExporterConverterTests
{
    private const string File = "queries.yaml";

    private const string Queries = """
        pg_database_activity:
          query: "SELECT datname, state, count(*) AS sessions, sum(xact_commit) AS commits_total, max(oid) AS ignored FROM pg_stat_activity"
          master: true
          cache_seconds: 30
          runonserver: ">=10.0.0 <13.0.0"
          metrics:
            - datname:
                usage: "LABEL"
                description: "Name of the database"
            - state:
                usage: "LABEL"
                description: "Session state"
            - sessions:
                usage: "GAUGE"
                description: "Sessions in this state"
            - commits_total:
                usage: "COUNTER"
                description: "Commits"
            - ignored:
                usage: "DISCARD"
        pg_wait_seconds:
          query: "SELECT datname, extract(epoch FROM now() - min(query_start)) AS oldest_seconds, 'x' AS kind FROM pg_stat_activity GROUP BY datname"
          metrics:
            - datname:
                usage: "LABEL"
                description: "Repeated label: one attribute"
            - oldest_seconds:
                usage: "GAUGE"
                colour: "blue"
            - kind:
                usage: "MAPPEDMETRIC"
                mapping: {x: 1}
        pg_only_histogram:
          query: "SELECT 1 AS h"
          metrics:
            - h:
                usage: "HISTOGRAM"
        """;

    [Fact]
    public void Labels_counters_and_gauges_become_attributes_sums_and_gauges_named_as_the_exporter_names_them()
    {
        var spec = Parse(Queries);

        Assert.Equal(["pg_database_activity_sessions", "pg_database_activity_commits_total", "pg_wait_seconds_oldest_seconds"], spec.Metrics.Select(m => m.Name));
        var sessions = spec.Metrics[0];
        Assert.Equal((MetricKind.Gauge, NumberType.Double, "Sessions in this state"), (sessions.Kind, sessions.ValueType, sessions.Description));
        Assert.Equal(["datname", "state"], sessions.Attributes.Select(a => a.Key));
        var commits = spec.Metrics[1];
        Assert.Equal((MetricKind.Sum, true, Temporality.Cumulative), (commits.Kind, commits.Monotonic, commits.Temporality));
        Assert.Equal(("s", "1"), (spec.Metrics[2].Unit, commits.Unit));
        Assert.Equal(["datname", "state"], spec.Attributes.Select(a => a.Key));
        Assert.Equal("Name of the database", spec.Attributes[0].Description);

        var query = spec.Queries[0];
        Assert.Equal(("pg_database_activity", QueryScope.Instance), (query.Name, query.Scope));
        Assert.Equal(["datname", "state", "sessions", "commits_total", "ignored"], query.Columns.Select(c => c.Name));
        Assert.Equal([AttributeType.String, AttributeType.String, AttributeType.Double, AttributeType.Double, AttributeType.String], query.Columns.Select(c => c.Type));
        Assert.Equal("SELECT datname, state, count(*) AS sessions, sum(xact_commit) AS commits_total, max(oid) AS ignored FROM pg_stat_activity", query.Variants.Single().Sql);
    }

    [Fact]
    public void Runonserver_becomes_the_server_version_numbers_of_its_range()
    {
        var variant = Parse(Queries).Queries[0].Variants.Single();

        Assert.Equal((100000, (int?)129999), (variant.MinVersion, variant.MaxVersion));
    }

    [Theory]
    [InlineData(">=9.6.5", 90605, null)]
    [InlineData(">9.6.0 <=11.2.0", 90601, 110002)]
    [InlineData("<10.0.0", null, 99999)]
    [InlineData("13.4.0", 130004, 130004)]
    public void A_version_range_reads_as_PostgreSQL_numbers_its_versions(string range, int? min, int? max)
    {
        Assert.True(ServerVersionRange.TryParse(range, out var minVersion, out var maxVersion));
        Assert.Equal((min, max), (minVersion, maxVersion));
    }

    [Fact]
    public void Master_cache_seconds_unknown_keys_and_unsupported_usages_are_reported_with_their_place()
    {
        var (_, problems) = PostgresExporterConverter.Convert(Queries, File);

        string[] expected =
        [
            "queries.yaml:3:11: pg_database_activity.master: not supported: every query runs once per scrape in the receiver's database",
            "queries.yaml:4:18: pg_database_activity.cache_seconds: not supported: every query runs at each collection_interval",
            "queries.yaml:29:9: pg_wait_seconds.metrics[1].colour: not supported",
            "queries.yaml:30:7: pg_wait_seconds.metrics[2]: not supported: usage MAPPEDMETRIC",
            "queries.yaml:34:3: pg_only_histogram: has no COUNTER or GAUGE column",
            "queries.yaml:36:7: pg_only_histogram.metrics[0]: not supported: usage HISTOGRAM",
        ];
        Assert.Equal(expected.Length, problems.Count);
        Assert.All(expected.Zip(problems), pair => Assert.StartsWith(pair.First, pair.Second.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_range_with_or_is_reported_and_the_query_runs_on_every_version()
    {
        var (metadata, problems) = PostgresExporterConverter.Convert("pg_x:\n  query: SELECT 1 AS v\n  runonserver: \"<10.0.0 || >=12.0.0\"\n  metrics:\n    - v: {usage: GAUGE}\n", File);

        Assert.Equal(("pg_x.runonserver", 3, 16), (Assert.Single(problems).Key, problems[0].Line, problems[0].Column));
        Assert.Equal(((int?)null, (int?)null), (metadata!.Queries[0].MinVersion, metadata.Queries[0].MaxVersion));
    }

    [Fact]
    public void Names_metadata_yaml_does_not_allow_are_rewritten_and_reported()
    {
        var (metadata, problems) = PostgresExporterConverter.Convert("Pg-Custom:\n  query: SELECT 1 AS v\n  metrics:\n    - V: {usage: GAUGE}\n", File);

        Assert.Equal(("pg_custom", "v"), (metadata!.Queries[0].Name, metadata.Queries[0].Columns[0].Name));
        Assert.Equal("Pg-Custom_v", metadata.Metrics[0].Name);
        Assert.Equal(2, problems.Count);
        Assert.NotNull(MetadataParser.Parse(MetadataYamlWriter.Write(metadata), "out.yaml").Spec);
    }

    [Theory]
    [InlineData("just text", "(root)")]
    [InlineData("a: [unclosed", "(yaml)")]
    public void Text_that_is_no_queries_file_converts_to_nothing_and_says_why(string text, string key)
    {
        var (metadata, problems) = PostgresExporterConverter.Convert(text, File);

        Assert.Null(metadata);
        Assert.Equal(key, Assert.Single(problems).Key);
    }

    [Fact]
    public void Descriptions_and_SQL_that_need_quoting_survive_the_round_trip()
    {
        const string Tricky = "pg_tricky:\n  query: |\n    SELECT 'a: b # c' AS label,\n           1 AS \"value\"\n  metrics:\n    - label: {usage: LABEL, description: \"yes: #1 'quoted' \\\"double\\\"\"}\n    - value: {usage: GAUGE, description: \"- starts like a list\"}\n";

        var spec = Parse(Tricky);

        Assert.Equal("yes: #1 'quoted' \"double\"", spec.Attributes[0].Description);
        Assert.Equal("- starts like a list", spec.Metrics[0].Description);
        Assert.Equal("SELECT 'a: b # c' AS label,\n       1 AS \"value\"", spec.Queries[0].Variants[0].Sql);
    }

    private static MetadataSpec Parse(string queries)
    {
        var (metadata, _) = PostgresExporterConverter.Convert(queries, File);
        var yaml = MetadataYamlWriter.Write(metadata!);
        var parsed = MetadataParser.Parse(yaml, "converted.yaml");
        Assert.True(parsed.Spec is not null, string.Join("\n", parsed.Diagnostics) + "\n" + yaml);
        return parsed.Spec;
    }
}
