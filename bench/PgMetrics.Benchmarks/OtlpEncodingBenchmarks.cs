using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Pb = PgMetrics.Benchmarks.Otlp;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Exporter.Otlp.Serialization;

namespace PgMetrics.Benchmarks;

/// <summary>
/// Encoding one scrape as an OTLP request, per data point: PgMetrics' writer against the same
/// request built from Google.Protobuf generated types and serialized with ToByteArray.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class OtlpEncodingBenchmarks
{
    private MetricsBuffer _scrape = null!;
    private OtlpMetricsWriter _writer = null!;
    private ArrayBufferWriter<byte> _output = null!;

    [Params(2_500)]
    public int Databases { get; set; }

    private int Points => Databases * 4;

    [GlobalSetup]
    public void Setup()
    {
        _scrape = ScrapeData.Create(Databases);
        _writer = new OtlpMetricsWriter();
        _output = new ArrayBufferWriter<byte>();
        _output.ResetWrittenCount();
        var ours = _writer.Write(_scrape, _output);
        var theirs = BuildWithGoogleProtobuf().CalculateSize();
        Console.WriteLine($"// encoded sizes: PgMetrics {ours} B, Google.Protobuf {theirs} B, {Points} points");
    }

    [Benchmark(Baseline = true, Description = "Google.Protobuf generated types", OperationsPerInvoke = 10_000)]
    public byte[] GoogleProtobuf() => BuildWithGoogleProtobuf().ToByteArray();

    [Benchmark(Description = "PgMetrics OtlpMetricsWriter", OperationsPerInvoke = 10_000)]
    public int PgMetricsWriter()
    {
        _output.ResetWrittenCount();
        return _writer.Write(_scrape, _output);
    }

    private Pb.ExportMetricsServiceRequest BuildWithGoogleProtobuf()
    {
        var request = new Pb.ExportMetricsServiceRequest();
        var byResource = new Dictionary<int, Dictionary<MetricDescriptor, Pb.Metric>>();
        foreach (var point in _scrape.Points)
        {
            if (!byResource.TryGetValue(point.ResourceIndex, out var metrics))
            {
                metrics = [];
                byResource[point.ResourceIndex] = metrics;
                var resourceMetrics = new Pb.ResourceMetrics { Resource = new Pb.Resource() };
                foreach (var attribute in _scrape.Resources[point.ResourceIndex])
                {
                    resourceMetrics.Resource.Attributes.Add(new Pb.KeyValue { Key = attribute.Key, Value = new Pb.AnyValue { StringValue = attribute.StringValue } });
                }

                resourceMetrics.ScopeMetrics.Add(new Pb.ScopeMetrics { Scope = new Pb.InstrumentationScope { Name = "pgmetrics", Version = "0.1.0" } });
                request.ResourceMetrics.Add(resourceMetrics);
            }

            if (!metrics.TryGetValue(point.Metric, out var metric))
            {
                metric = new Pb.Metric { Name = point.Metric.Name, Description = point.Metric.Description, Unit = point.Metric.Unit, Sum = new Pb.Sum { AggregationTemporality = Pb.AggregationTemporality.Cumulative, IsMonotonic = point.Metric.IsMonotonic } };
                metrics[point.Metric] = metric;
                request.ResourceMetrics[^1].ScopeMetrics[0].Metrics.Add(metric);
            }

            metric.Sum.DataPoints.Add(new Pb.NumberDataPoint { StartTimeUnixNano = (ulong)_scrape.StartTimeUnixNano, TimeUnixNano = (ulong)point.TimeUnixNano, AsInt = point.IntValue });
        }

        return request;
    }
}
