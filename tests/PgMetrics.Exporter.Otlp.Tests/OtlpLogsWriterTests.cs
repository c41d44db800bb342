using System.Buffers;
using PgMetrics.Exporter.Otlp.Serialization;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

public sealed class OtlpLogsWriterTests
{
    [Fact]
    public void Log_records_are_read_back_by_an_independent_decoder()
    {
        var writer = new OtlpLogsWriter();
        var output = new ArrayBufferWriter<byte>();
        LogRecordData[] records =
        [
            new(1_000, 13, "WARN", "SELECT * FROM orders WHERE id = $1", [KeyValue.String("db.query.fingerprint", "9f2c4e1a7b3d5f60"), KeyValue.Double("duration_ms", 1234.5)]),
            new(2_000, 9, "INFO", "VACUUM orders", []),
        ];

        writer.Write(new LogBatch([KeyValue.String("postgresql.database.name", "shop")], records), output);
        var decoded = OtlpDecoder.DecodeLogs(output.WrittenSpan.ToArray());

        Assert.Equal(2, decoded.Count);
        Assert.All(decoded, r => Assert.Equal(("shop", "pgmetrics"), (r.Resource["postgresql.database.name"], r.Scope)));
        Assert.Equal((1_000UL, 1_000UL, 13, "WARN", "SELECT * FROM orders WHERE id = $1"), (decoded[0].Time, decoded[0].ObservedTime, decoded[0].Severity, decoded[0].SeverityText, decoded[0].Body));
        Assert.Equal(new Dictionary<string, string> { ["db.query.fingerprint"] = "9f2c4e1a7b3d5f60", ["duration_ms"] = "1234.5" }, decoded[0].Attributes);
        Assert.Equal(("VACUUM orders", 9), (decoded[1].Body, decoded[1].Severity));
        Assert.Empty(decoded[1].Attributes);
    }

    [Fact]
    public void An_event_is_written_with_its_event_name_and_without_body_or_severity_as_the_receivers_are()
    {
        var writer = new OtlpLogsWriter();
        var output = new ArrayBufferWriter<byte>();
        LogRecordData[] records = [new(7, 0, string.Empty, string.Empty, [KeyValue.String("db.system.name", "postgresql"), KeyValue.Int("postgresql.pid", 42)]) { EventName = "db.server.query_sample" }];

        writer.Write(new LogBatch([KeyValue.String("service.instance.id", "db:5432")], records), output);
        var decoded = Assert.Single(OtlpDecoder.DecodeLogs(output.WrittenSpan.ToArray()));

        Assert.Equal(("db.server.query_sample", false, 0, ""), (decoded.EventName, decoded.HasBody, decoded.Severity, decoded.SeverityText));
        Assert.Equal(("postgresql", "int"), (decoded.Attributes["db.system.name"], decoded.Kinds["postgresql.pid"]));
        Assert.Equal("db:5432", decoded.Resource["service.instance.id"]);
    }

    [Fact]
    public void A_logs_request_can_be_split_in_two_valid_halves()
    {
        var writer = new OtlpLogsWriter();
        var output = new ArrayBufferWriter<byte>();
        var records = Enumerable.Range(0, 5).Select(i => new LogRecordData(i, 9, "INFO", "record " + i, [])).ToArray();
        writer.Write(new LogBatch([], records), output);

        var (first, second) = OtlpRequestSplitter.Logs.Split(output.WrittenSpan.ToArray())!.Value;

        Assert.Equal(["record 0", "record 1"], OtlpDecoder.DecodeLogs(first).Select(r => r.Body));
        Assert.Equal(["record 2", "record 3", "record 4"], OtlpDecoder.DecodeLogs(second).Select(r => r.Body));
    }
}
