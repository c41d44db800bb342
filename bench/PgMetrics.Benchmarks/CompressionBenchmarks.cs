using System.Buffers;
using BenchmarkDotNet.Attributes;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Exporter.Otlp.Serialization;
using PgMetrics.Exporter.Otlp.Transport;

namespace PgMetrics.Benchmarks;

/// <summary>
/// Compressing one encoded scrape: time per request for gzip and zstd. The compressed bytes per
/// point are printed at setup (see the log), since they do not vary between runs.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class CompressionBenchmarks
{
    private PayloadCompressor _gzip = null!;
    private PayloadCompressor _zstd = null!;
    private byte[] _payload = null!;

    [Params(2_500)]
    public int Databases { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var scrape = ScrapeData.Create(Databases);
        var output = new ArrayBufferWriter<byte>();
        new OtlpMetricsWriter().Write(scrape, output);
        _payload = output.WrittenSpan.ToArray();
        _gzip = new PayloadCompressor(OtlpCompression.Gzip);
        _zstd = new PayloadCompressor(OtlpCompression.Zstd);
        var points = (double)scrape.Count;
        Console.WriteLine($"// bytes per point: none {_payload.Length / points:F1}, gzip {_gzip.Compress(_payload).Length / points:F1}, zstd {_zstd.Compress(_payload).Length / points:F1} ({scrape.Count} points)");
    }

    [Benchmark(Baseline = true)]
    public int Gzip() => _gzip.Compress(_payload).Length;

    [Benchmark]
    public int Zstd() => _zstd.Compress(_payload).Length;
}
