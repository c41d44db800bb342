using PgMetrics.Runtime.Metrics;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>A scrape larger than one request is encoded request by request, cut between resources, and nothing is lost.</summary>
public sealed class LargeScrapeExportTests
{
    [Fact]
    public async Task A_scrape_larger_than_the_request_limit_arrives_whole_in_requests_under_the_limit()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        const int maxRequestBytes = 4 * 1024;
        var options = ExporterHarness.Options(newRelic) with { MaxRequestBytes = maxRequestBytes };
        using var exporter = ExporterHarness.Create(newRelic, options: options, compression: OtlpCompression.None);

        // 2,000 databases, one resource each: about 150 KB encoded, so dozens of requests.
        exporter.ConsumeMetrics(ExporterHarness.Scrape(scrape: 3, databases: 2_000));
        await ExporterHarness.FlushAsync(exporter);

        List<byte[]> requests;
        lock (newRelic.Accepted)
        {
            requests = [.. newRelic.Accepted];
        }

        Assert.True(requests.Count > 10, $"expected the scrape in many requests, got {requests.Count}");
        Assert.All(requests, request => Assert.InRange(request.Length, 1, maxRequestBytes));
        Assert.Equal(ExporterHarness.ExpectedValues(4, 2_000).Skip(3 * 2_000), ExporterHarness.ReceivedValues(newRelic));
        Assert.Equal(2_000, exporter.Statistics.PointsExported);

        // Each resource (database) arrives in exactly one request, never cut in two.
        var databasesPerRequest = requests.Select(r => OtlpDecoder.Decode(r).Select(p => p.Resource["postgresql.database.name"]).ToHashSet()).ToList();
        Assert.Equal(2_000, databasesPerRequest.Sum(d => d.Count));
        Assert.Equal(2_000, databasesPerRequest.SelectMany(d => d).Distinct().Count());
    }

    [Fact]
    public async Task A_single_resource_larger_than_the_limit_is_split_below_it_and_arrives_whole()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        const int maxRequestBytes = 2 * 1024;
        var options = ExporterHarness.Options(newRelic) with { MaxRequestBytes = maxRequestBytes };
        using var exporter = ExporterHarness.Create(newRelic, options: options, compression: OtlpCompression.None);
        var buffer = new MetricsBuffer(startTimeUnixNano: 1);
        var metric = new MetricDescriptor("test.value", "A value.", "1", MetricKind.Gauge, MetricValueType.Int, isMonotonic: false);
        for (var i = 0; i < 500; i++)
        {
            buffer.AddPoint(metric, 1_000, i, [KeyValue.Int("i", i)]);
        }

        exporter.ConsumeMetrics(buffer);
        await ExporterHarness.FlushAsync(exporter);

        List<byte[]> requests;
        lock (newRelic.Accepted)
        {
            requests = [.. newRelic.Accepted];
        }

        Assert.True(requests.Count > 1);
        Assert.All(requests, request => Assert.InRange(request.Length, 1, maxRequestBytes));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), ExporterHarness.ReceivedValues(newRelic));
    }
}
