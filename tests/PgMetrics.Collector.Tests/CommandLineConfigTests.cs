using System.CommandLine;
using PgMetrics.Collector.Cli;
using PgMetrics.Collector.Config;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Exporter.Otlp.Configuration;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Tests;

/// <summary>Flags build the same config records a file does, validated the same way, with problems named by flag.</summary>
public sealed class CommandLineConfigTests
{
    private static (CollectorConfig? Config, string Error) Build(params string[] arguments)
    {
        var flags = new CommandLineConfig();
        var command = new Command("run");
        flags.AddTargetOptions(command);
        flags.AddRunOptions(command);
        var parse = command.Parse(arguments);
        Assert.Empty(parse.Errors);
        return (flags.Build(parse, out var error), error);
    }

    [Fact]
    public void Flags_become_a_receiver_the_console_and_the_chosen_exporter()
    {
        var (config, _) = Build(
            "--connection", "Host=db;Username=pgmetrics", "--database", "shop", "--interval", "15s", "--query-timeout", "3s",
            "--exporter", "otlp", "--otlp-endpoint", "http://localhost:4318", "--otlp-header", "x-tenant=demo", "--compression", "zstd", "--temporality", "delta", "--max-queue-mb", "8");

        var receiver = (PostgresqlReceiverConfig)Assert.Single(config!.Receivers);
        Assert.Equal(("Host=db;Username=pgmetrics", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(3)), (receiver.ConnectionString, receiver.CollectionInterval, receiver.QueryTimeout));
        Assert.Equal(["shop"], receiver.Databases);
        Assert.Equal(["console", "otlp"], config.Exporters.Select(e => e.Name));
        var otlp = (OtlpExporterConfig)config.Exporters[1];
        Assert.Equal((new Uri("http://localhost:4318"), "demo"), (otlp.Endpoint, otlp.Headers["x-tenant"]));
        Assert.Equal((OtlpCompression.Zstd, AggregationTemporality.Delta, 8), (otlp.Settings.Compression, otlp.Settings.Temporality, otlp.Settings.MaxQueueMegabytes));
        Assert.Empty(ConfigLoader.Validate(config).Errors);
        Assert.False(config.IsFile);
    }

    [Fact]
    public void The_feature_gates_flag_turns_the_semconv_resource_model_on_as_otelcols_does()
    {
        var (on, _) = Build("--connection", "Host=db", "--feature-gates", "receiver.postgresql.useOTelSemconv");
        var (off, _) = Build("--connection", "Host=db");

        Assert.True(((PostgresqlReceiverConfig)on!.Receivers[0]).UseOTelSemconv);
        Assert.False(((PostgresqlReceiverConfig)off!.Receivers[0]).UseOTelSemconv);
    }

    [Fact]
    public void A_problem_the_flags_cause_is_named_by_its_flag()
    {
        var (config, _) = Build("--connection", "Host=db", "--exporter", "otlp");

        var error = Assert.Single(ConfigLoader.Validate(config!).Errors);

        Assert.StartsWith("--otlp-endpoint: an otlp exporter needs an endpoint", CommandLineConfig.Describe(error), StringComparison.Ordinal);
        Assert.Equal("(command line): exporters.otlp.endpoint: an otlp exporter needs an endpoint, e.g. http://localhost:4318", error.ToString());
    }

    [Theory]
    [InlineData(new[] { "--exporter", "otlp" }, "no server given")]
    [InlineData(new[] { "--connection", "Host=db", "--otlp-endpoint", "ftp://x" }, "--otlp-endpoint: 'ftp://x' is not an http(s) URL")]
    [InlineData(new[] { "--connection", "Host=db", "--otlp-header", "api-key" }, "--otlp-header: expected name=value")]
    [InlineData(new[] { "--connection", "Host=db", "--feature-gates", "receiver.postgresql.useSemconv" }, "--feature-gates: 'receiver.postgresql.useSemconv' is not a feature gate PgMetrics knows")]
    public void Flags_that_describe_no_usable_collector_say_why(string[] arguments, string reason)
    {
        var (config, error) = Build(arguments);

        Assert.Null(config);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_repeating_it()
    {
        var (config, _) = Build("--connection", "Host=db;Password=S3cret;Nonsense");

        var error = Assert.Single(ConfigLoader.Validate(config!).Errors);

        Assert.StartsWith("--connection: is not a valid Npgsql connection string", CommandLineConfig.Describe(error), StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_duration_flag_that_is_not_a_duration_fails_parsing_with_the_reason()
    {
        var flags = new CommandLineConfig();
        var command = new Command("run");
        flags.AddRunOptions(command);

        var parse = command.Parse(["--interval", "soon"]);

        Assert.Contains(parse.Errors, e => e.Message.StartsWith("--interval:", StringComparison.Ordinal));
    }
}
