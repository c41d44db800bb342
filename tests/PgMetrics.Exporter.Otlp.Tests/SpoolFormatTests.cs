using System.Buffers;
using PgMetrics.Exporter.Otlp.Serialization;
using PgMetrics.Exporter.Otlp.Transmission;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>The queue and the spool keep requests compressed, as they go on the wire; what an earlier release spooled still replays.</summary>
public sealed class SpoolFormatTests : IDisposable
{
    private readonly string _spool = Directory.CreateTempSubdirectory("pgmetrics-spool-").FullName;

    public void Dispose() => Directory.Delete(_spool, recursive: true);

    private static byte[] Encoded(int scrape, int databases)
    {
        var output = new ArrayBufferWriter<byte>();
        new OtlpMetricsWriter().Write(ExporterHarness.Scrape(scrape, databases), output);
        return output.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(OtlpCompression.Gzip, "gzip")]
    [InlineData(OtlpCompression.Zstd, "zstd")]
    [InlineData(OtlpCompression.None, "none")]
    public async Task Requests_are_spooled_compressed_and_replay_after_an_earlier_releases_uncompressed_file(OtlpCompression compression, string name)
    {
        // What the release before this one left: an uncompressed request named <id>~<points>.otlp.
        File.WriteAllBytes(Path.Combine(_spool, "0000000000000000000~40.otlp"), Encoded(0, 40));
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey) { Down = true };
        using var exporter = ExporterHarness.Create(newRelic, new DiskSpoolStore(_spool), compression: compression);
        Assert.Equal(40, exporter.QueuedPoints);

        exporter.ConsumeMetrics(ExporterHarness.Scrape(1, databases: 40));

        var request = Encoded(1, 40);
        var spooled = Path.Combine(_spool, $"0000000000000000001~40~{request.Length}~{name}.otlp");
        Assert.True(File.Exists(spooled), string.Join(", ", Directory.GetFiles(_spool).Select(Path.GetFileName)));
        Assert.Equal(request, RequestBodies.ReadSpooled(spooled));
        var kept = new FileInfo(spooled).Length;
        Assert.True(compression == OtlpCompression.None ? kept == request.Length : kept < request.Length / 4, $"{kept} bytes kept for a {request.Length}-byte request");
        Assert.Equal(request.Length + kept, exporter.QueuedBytes);

        // Both are small, so they go as one request: decompressed, joined and compressed again.
        newRelic.Down = false;
        await ExporterHarness.FlushAsync(exporter);
        Assert.Equal(ExporterHarness.ExpectedValues(2, 40), ExporterHarness.ReceivedValues(newRelic));
        Assert.Equal(name, Assert.Single(newRelic.ContentEncodings.Distinct()) ?? "none");
        Assert.Empty(Directory.GetFiles(_spool));
    }

    [Fact]
    public async Task A_spooled_body_damaged_on_disk_is_dropped_and_counted_and_the_rest_is_sent()
    {
        var request = Encoded(0, 10);
        File.WriteAllBytes(Path.Combine(_spool, $"0000000000000000000~10~{request.Length}~gzip.otlp"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3]);
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic, new DiskSpoolStore(_spool));

        exporter.ConsumeMetrics(ExporterHarness.Scrape(1, databases: 10));
        await ExporterHarness.FlushAsync(exporter);

        Assert.Equal(ExporterHarness.ExpectedValues(2, 10).Where(v => v >= 1_000_000), ExporterHarness.ReceivedValues(newRelic));
        Assert.Equal((10, 10), (exporter.Statistics.PointsDropped, exporter.Statistics.PointsExported));
        Assert.Empty(Directory.GetFiles(_spool));
    }
}
