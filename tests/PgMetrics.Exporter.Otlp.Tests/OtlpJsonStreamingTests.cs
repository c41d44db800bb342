using System.Buffers;
using System.Text.Json;
using PgMetrics.Exporter.Otlp.Serialization;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>JSON too large to hold is written to a stream in pieces, and reads the same as JSON written whole.</summary>
public sealed class OtlpJsonStreamingTests
{
    [Fact]
    public void JSON_streamed_in_pieces_is_byte_for_byte_the_JSON_written_whole_and_holds_every_point()
    {
        // 5,000 databases: about 2 MB of indented JSON, many times the writer's 64 KB flush threshold.
        var scrape = ExporterHarness.Scrape(scrape: 1, databases: 5_000);
        var whole = new ArrayBufferWriter<byte>();
        new OtlpJsonWriter().Write(scrape, whole);
        using var stream = new CountingStream();
        new OtlpJsonWriter().Write(scrape, stream);

        Assert.Equal(whole.WrittenSpan.ToArray(), stream.ToArray());
        Assert.True(stream.Writes > 10, $"expected the JSON in many writes, got {stream.Writes}");
        using var document = JsonDocument.Parse(stream.ToArray());
        var points = document.RootElement.GetProperty("resourceMetrics").EnumerateArray()
            .SelectMany(r => r.GetProperty("scopeMetrics").EnumerateArray())
            .SelectMany(s => s.GetProperty("metrics").EnumerateArray())
            .Sum(m => m.GetProperty("sum").GetProperty("dataPoints").GetArrayLength());
        Assert.Equal(5_000, points);
    }

    /// <summary>A memory stream that counts the writes it is handed.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            base.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            base.Write(buffer, offset, count);
        }
    }
}
