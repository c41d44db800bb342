using System.Reflection;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Receivers.Postgresql;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Targets;

namespace PgMetrics.Collector.Tests;

/// <summary>A receiver's targets_file: its items take the block's keys as defaults, and every mistake is named where it is.</summary>
public sealed class TargetsFileTests : IDisposable
{
    private readonly TargetsFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private ConfigLoadResult Load(string block, Func<string, string?>? environment = null)
        => ConfigLoader.Parse("receivers:\n  postgresql/fleet:\n" + block + "exporters:\n  console: {}\n", Path.Combine(_folder.Root, "pgmetrics.yaml"), environment ?? (_ => null));

    [Fact]
    public void Each_target_takes_the_blocks_keys_as_defaults_and_overrides_or_merges_its_own()
    {
        var targets = _folder.Write("targets.yaml", """
            - endpoint: db1.example.com:5432
            - endpoint: db2.example.com:6432
              username: reporting
              databases: [sales]
              collection_interval: 30s
              tls: {insecure_skip_verify: true}
              attributes: {team: payments, env: staging}
            """);

        var result = Load($"""
                username: monitor
                password: {"${env:PG_PASSWORD}"}
                collection_interval: 10s
                tls: {"{insecure: false}"}
                attributes: {"{env: production}"}
                targets_file: {targets}

            """, name => name == "PG_PASSWORD" ? "s3cret" : null);

        Assert.Empty(result.Errors);
        var list = Assert.IsType<PostgresqlReceiverConfig>(Assert.Single(result.Config!.Receivers));
        Assert.True(list.IsTargetList);
        var all = result.Config.AllTargets().Cast<PostgresqlReceiverConfig>().ToList();
        Assert.Equal(["postgresql/fleet[db1.example.com:5432]", "postgresql/fleet[db2.example.com:6432]"], all.Select(t => t.Name));
        Assert.Equal(("monitor", "s3cret", TimeSpan.FromSeconds(10)), (all[0].Username, all[0].Password, all[0].CollectionInterval));
        Assert.Empty(all[0].Databases);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "production" }, all[0].Attributes);
        Assert.Equal(("reporting", "s3cret", TimeSpan.FromSeconds(30)), (all[1].Username, all[1].Password, all[1].CollectionInterval));
        Assert.Equal(["sales"], all[1].Databases);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "staging", ["team"] = "payments" }, all[1].Attributes);
        Assert.True(all[1].Tls.InsecureSkipVerify);
        Assert.All(all, t => Assert.True(t.IsListedTarget));
    }

    [Fact]
    public void A_folder_of_files_is_read_in_name_order_and_hidden_entries_are_skipped()
    {
        _folder.Write("targets/b.yaml", "- endpoint: b:5432\n");
        _folder.Write("targets/a.yml", "- endpoint: a:5432\n- endpoint: c:5432\n");
        _folder.Write("targets/..data/a.yml", "- endpoint: hidden:5432\n");
        _folder.Write("targets/.hidden.yaml", "- endpoint: hidden:5432\n");
        _folder.Write("targets/notes.txt", "not yaml");
        _folder.Write("targets/empty.yaml", string.Empty);

        var result = Load($"    targets_file: {Path.Combine(_folder.Root, "targets")}\n");

        Assert.Empty(result.Errors);
        Assert.Equal(["a:5432", "c:5432", "b:5432"], result.Config!.AllTargets().Select(t => t.Identity));
    }

    [Fact]
    public void Every_mistake_in_a_targets_file_is_named_with_its_file_line_column_and_item()
    {
        var targets = _folder.Write("targets.yaml", """
            - endpoint: db1:5432
            - username: nobody
            - endpoint: db3
            - endpoint: db4:5432
              colection_interval: 10s
            - endpoint: db1:5432
            - endpoint: db6:5432
              timeout: ${env:MISSING}
            """);

        var result = Load($"    targets_file: {targets}\n");

        Assert.Null(result.Config);
        var errors = result.Errors.Where(e => e.File == targets).Select(e => (e.Line, e.Column, e.Key)).ToList();
        Assert.Equal(
            [(2, 3, "[1].endpoint"), (3, 13, "[2].endpoint"), (5, 3, "[3].colection_interval"), (6, 3, "[4].endpoint"), (8, 12, "[5].timeout")],
            errors);
        Assert.Contains(result.Errors, e => e.Key == "[4].endpoint" && e.Message.Contains("listed twice; first at " + targets + ":1", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Key == "[2].endpoint" && e.Message.Contains("'db3' is not host:port", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_endpoint_in_two_files_of_a_folder_is_refused_naming_the_first()
    {
        var first = _folder.Write("targets/a.yaml", "- endpoint: db:5432\n");
        var second = _folder.Write("targets/b.yaml", "- endpoint: other:5432\n- endpoint: db:5432\n");

        var result = Load($"    targets_file: {Path.Combine(_folder.Root, "targets")}\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((second, 2, 3), (error.File, error.Line, error.Column));
        Assert.Contains("first at " + first + ":1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_in_a_targets_file_never_appears_in_a_message()
    {
        var targets = _folder.Write("targets.yaml", "- endpoint: ${env:TARGET}\n  password: ${env:SECRET}\n");

        var result = Load($"    targets_file: {targets}\n", name => name switch { "TARGET" => "pw-S3cret-host", "SECRET" => "pw-S3cret", _ => null });

        var error = Assert.Single(result.Errors);
        Assert.Equal("[0].endpoint", error.Key);
        Assert.Contains("'${env:TARGET}' is not host:port", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("endpoint: db:5432\n", "targets_file or discovery takes each target's endpoint from the list")]
    [InlineData("", "does not exist")]
    public void A_list_block_that_cannot_work_is_refused(string extra, string message)
    {
        var targets = extra.Length > 0 ? _folder.Write("targets.yaml", "- endpoint: a:5432\n") : Path.Combine(_folder.Root, "missing.yaml");

        var result = Load($"    {extra}    targets_file: {targets}\n");

        Assert.Contains(result.Errors, e => e.File.EndsWith("pgmetrics.yaml", StringComparison.Ordinal) && e.Line == 3 && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_targets_file_that_is_not_a_list_says_what_it_should_be()
    {
        var targets = _folder.Write("targets.yaml", "endpoint: db:5432\n");

        var error = Assert.Single(Load($"    targets_file: {targets}\n").Errors);

        Assert.Equal((targets, 1, 1), (error.File, error.Line, error.Column));
        Assert.Contains("a targets file is a list of targets", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Listed_targets_take_the_lists_query_events_connection_pool_and_feature_gates_and_override_them_key_by_key()
    {
        var targets = _folder.Write("targets.yaml", """
            - endpoint: db1.example.com:5432
            - endpoint: db2.example.com:5432
              events: {db.server.query_sample: {enabled: false}}
              top_query_collection: {top_n_query: 5}
              connection_pool: {max_open: 1}
            """);
        var result = ConfigLoader.Parse(
            $"receivers:\n  postgresql/fleet:\n    targets_file: {targets}\n    events: {{db.server.query_sample: {{enabled: true}}, db.server.top_query: {{enabled: true}}}}\n"
            + "    top_query_collection: {top_n_query: 50}\n    connection_pool: {max_open: 2, max_idle_time: 5s}\n"
            + "exporters:\n  console: {}\nservice:\n  feature_gates: [receiver.postgresql.useOTelSemconv]\n",
            Path.Combine(_folder.Root, "pgmetrics.yaml"),
            _ => null);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var listed = result.Config!.AllTargets().Cast<PostgresqlReceiverConfig>().OrderBy(t => t.Endpoint, StringComparer.Ordinal).ToList();
        Assert.All(listed, t => Assert.True(t.UseOTelSemconv, $"{t.Name} left out the feature gate"));
        var (first, second) = (listed[0], listed[1]);
        Assert.Equal((true, true, 50, 2, TimeSpan.FromSeconds(5)), (first.QueryMonitoring.QuerySample.Enabled, first.QueryMonitoring.TopQuery.Enabled, first.QueryMonitoring.TopQuery.TopNQuery, first.ConnectionPool.MaxOpen, first.ConnectionPool.MaxIdleTime));
        Assert.Equal((false, true, 5, 1, TimeSpan.FromSeconds(5)), (second.QueryMonitoring.QuerySample.Enabled, second.QueryMonitoring.TopQuery.Enabled, second.QueryMonitoring.TopQuery.TopNQuery, second.ConnectionPool.MaxOpen, second.ConnectionPool.MaxIdleTime));
    }

    [Fact]
    public void Two_reads_of_an_unchanged_target_are_equal_and_any_changed_key_makes_them_differ()
    {
        var targets = _folder.Write("targets.yaml", "- endpoint: db:5432\n  databases: [a, b]\n  attributes: {team: x}\n  metrics: {postgresql.commits: {enabled: false}}\n");
        var first = (PostgresqlReceiverConfig)Load($"    targets_file: {targets}\n").Config!.AllTargets()[0];
        var second = (PostgresqlReceiverConfig)Load($"    targets_file: {targets}\n").Config!.AllTargets()[0];

        Assert.Equal(first, second);
        Assert.NotSame(first.Databases, second.Databases);

        // Every property takes part in equality, the collector-only ones (internal) too: a copy with any one of them changed is another target.
        foreach (var property in typeof(PostgresqlReceiverConfig).GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Where(p => p.SetMethod is not null && p.Name != nameof(PostgresqlReceiverConfig.SourcePath)))
        {
            var changed = first with { };
            property.SetValue(changed, Different(property.PropertyType, property.GetValue(first)));
            Assert.False(first.Equals(changed), $"changing {property.Name} left the config equal");
        }
    }

    private static object? Different(Type type, object? value) => type switch
    {
        _ when type == typeof(string) => (string?)value + "x",
        _ when type == typeof(TimeSpan) => (TimeSpan)value! + TimeSpan.FromSeconds(1),
        _ when type == typeof(int) => (int)value! + 1,
        _ when type == typeof(bool) => !(bool)value!,
        _ when type == typeof(PostgresqlTransport) => (PostgresqlTransport)value! == PostgresqlTransport.Tcp ? PostgresqlTransport.Unix : PostgresqlTransport.Tcp,
        _ when type == typeof(IReadOnlyList<string>) => (IReadOnlyList<string>)["other"],
        _ when type == typeof(IReadOnlyDictionary<string, bool>) => new Dictionary<string, bool> { ["other"] = true },
        _ when type == typeof(IReadOnlyDictionary<string, string>) => new Dictionary<string, string> { ["other"] = "x" },
        _ when type == typeof(TlsConfig) => new TlsConfig { CaFile = "other.pem" },
        _ when type == typeof(Runtime.Queries.QueryMonitoringOptions) => new Runtime.Queries.QueryMonitoringOptions { TopQuery = new Runtime.Queries.TopQueryOptions { TopNQuery = 1 } },
        _ when type == typeof(IReadOnlyList<IMetricSetFile>) => (IReadOnlyList<IMetricSetFile>)[new MetadataFile("other.yaml", "metadata_files[0]", null!, null!)],
        _ when type == typeof(Runtime.Scraping.ConnectionPoolOptions) => new Runtime.Scraping.ConnectionPoolOptions { MaxOpen = 1 },
        _ when type == typeof(KubernetesDiscoveryConfig) => new KubernetesDiscoveryConfig { Namespaces = ["other"] },
        _ when type == typeof(IReadOnlyList<PostgresqlReceiverConfig>) => (IReadOnlyList<PostgresqlReceiverConfig>)[new PostgresqlReceiverConfig { Name = "other" }],
        _ => throw new InvalidOperationException($"no different value known for {type}; add one so the equality test covers the new property"),
    };
}
