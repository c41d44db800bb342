using System.Diagnostics;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// The spool's disk fills up during an outage: a spool folder on a tmpfs of a few pages, mounted by the
/// test (it needs root, as <c>./build.sh --target=Test</c> runs; elsewhere the test fails and says so). Requests that no longer fit on the disk
/// wait in memory within the queue's bound and are sent when the backend is back.
/// </summary>
public sealed class SpoolDiskChaosTests(PostgresServerPool servers, ChaosReport report)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_spool_disk_keeps_the_overflow_in_memory_and_loses_nothing()
    {
        Assert.True(Environment.UserName == "root", $"mounting the tiny tmpfs for the spool needs root; running as {Environment.UserName}");
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var spool = Directory.CreateTempSubdirectory("pgmetrics-chaos-fullspool-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=128k,mode=0700", "tmpfs", spool);
        try
        {
            await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
            await using var proxy = new ChaosProxy(standIn.Endpoint, ProxyMode.Down);
            await using var pipeline = new ChaosPipeline(server.ConnectionString, proxy.Endpoint, spool);

            // Scrapes go on until the disk has refused some (how many fit depends on the server's version).
            while (pipeline.Exporter.QueuedRequests == Directory.GetFiles(spool, "*.otlp").Length)
            {
                Assert.True(pipeline.Scrapes < 200, $"the 128 KiB spool should fill up; {pipeline.Exporter.QueuedBytes} bytes queued");
                await pipeline.ScrapeAsync(Cancel);
                await Task.Delay(TimeSpan.FromMilliseconds(50), Cancel);
            }

            await pipeline.ScrapeAsync(3, TimeSpan.FromMilliseconds(50), Cancel);
            var onDisk = Directory.GetFiles(spool, "*.otlp").Length;
            var queued = pipeline.Exporter.QueuedRequests;
            Assert.True(onDisk > 0 && onDisk < queued, $"the 128 KiB spool should hold some of the outage's requests and memory the rest: {onDisk} on disk, {queued} queued");
            Assert.Empty(Directory.GetFiles(spool, "*.tmp"));

            proxy.Switch(ProxyMode.Forward);
            await pipeline.ScrapeAsync(2, TimeSpan.FromMilliseconds(100), Cancel);
            await pipeline.DrainAsync();

            Assert.Empty(Directory.GetFiles(spool));
            var figures = pipeline.Figures("spool disk full (128 KiB tmpfs) during an outage", server.Major, standIn, $"{onDisk} of {queued} queued requests fitted on the disk, the rest waited in memory");
            report.Add(figures);
            figures.AssertNothingLost();
            Assert.Equal(0, figures.Dropped);
        }
        finally
        {
            await RunAsync("umount", spool);
            Directory.Delete(spool, recursive: true);
        }
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel);
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {errors}");
    }
}
