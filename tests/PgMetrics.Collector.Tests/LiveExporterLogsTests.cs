using PgMetrics.Collector.Exporters.Live;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using Spectre.Console.Testing;

namespace PgMetrics.Collector.Tests;

/// <summary>
/// The live exporter takes every kind of log record query monitoring sends: plain long-running samples,
/// the OpenTelemetry receiver's <c>db.server.top_query</c> events (left to the metrics), and its
/// <c>db.server.query_sample</c> events, whose <c>postgresql.blocking.*</c> attributes name blocked sessions.
/// </summary>
public sealed class LiveExporterLogsTests
{
    private static readonly KeyValue[] Server = [KeyValue.String("server.address", "db.example.com"), KeyValue.Int("server.port", 5432)];

    private static LogRecordData Event(string name, params KeyValue[] attributes) => new(UnixTime.NowNanoseconds(), 0, string.Empty, string.Empty, attributes) { EventName = name };

    private static string Screen(LiveExporter exporter, int width = 120)
    {
        var console = new TestConsole();
        console.Profile.Width = width;
        console.Write(exporter.Render(width));
        return console.Output;
    }

    [Fact]
    public void Top_query_events_plain_samples_and_query_samples_are_taken_and_a_blocked_session_shows()
    {
        var (exporter, _) = LiveExporterFactory.Create(new LiveExporterConfig { Name = "live", Display = LiveDisplayMode.Lines }, new TestConsole(), new());
        var live = (LiveExporter)exporter;

        live.ConsumeLogs(new LogBatch(Server,
        [
            new LogRecordData(1, 13, "WARN", "SELECT pg_sleep($1)", [KeyValue.Int("pid", 77), KeyValue.Double("duration_s", 31.5)]),
            Event("db.server.top_query", KeyValue.String("db.query.text", "SELECT $1"), KeyValue.Double("postgresql.total_exec_time", 12.5)),
            Event("db.server.query_sample", KeyValue.Int("postgresql.pid", 4100), KeyValue.String("postgresql.blocking.pids", "{}"), KeyValue.String("db.query.text", "COMMIT")),
            Event("db.server.query_sample",
                KeyValue.Int("postgresql.pid", 4242),
                KeyValue.String("postgresql.blocking.pids", "{4100}"),
                KeyValue.Int("postgresql.blocking.wait_duration", 7),
                KeyValue.String("db.query.text", "UPDATE stock SET on_hand = on_hand - $1 WHERE item = $2"),
                KeyValue.String("db.query.fingerprint", "0123456789abcdef")),
            Event("db.server.query_sample", KeyValue.String("postgresql.blocking.pids", "{not-a-pid}")),
            Event("db.server.query_sample"),
        ]));

        var screen = Screen(live, width: 200);
        Assert.Contains("db.example.com:5432", screen, StringComparison.Ordinal);
        Assert.Contains("blocked sessions: 1", screen, StringComparison.Ordinal);
        var row = Assert.Single(screen.Split('\n'), line => line.Contains("4242", StringComparison.Ordinal));
        Assert.Contains("4100", row, StringComparison.Ordinal);
        Assert.Contains("7.0 s", row, StringComparison.Ordinal);
        Assert.Contains("UPDATE stock SET on_hand = on_hand - $1 WHERE item = $2", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_without_a_server_or_without_attributes_change_nothing()
    {
        var (exporter, _) = LiveExporterFactory.Create(new LiveExporterConfig { Name = "live", Display = LiveDisplayMode.Lines }, new TestConsole(), new());
        var live = (LiveExporter)exporter;

        live.ConsumeLogs(LogBatch.Empty);
        live.ConsumeLogs(new LogBatch([], [Event("db.server.query_sample", KeyValue.Int("postgresql.pid", 1), KeyValue.String("postgresql.blocking.pids", "{2}"))]));

        Assert.Contains("waiting for the first scrape", Screen(live), StringComparison.Ordinal);
    }
}
