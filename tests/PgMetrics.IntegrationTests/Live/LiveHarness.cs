using PgMetrics.Collector.Components;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Collector.Cli;
using PgMetrics.Collector.Exporters.Live;
using PgMetrics.Collector.Exporters.Live.Output;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;
using PgMetrics.Runtime.Receiver;
using Spectre.Console.Testing;

namespace PgMetrics.IntegrationTests.Live;

/// <summary>
/// A live exporter fed by a real postgresql receiver, as <c>pgmetrics top</c> builds them (the view's metric
/// switches and query monitoring on, the exporter's delta processor before it), scraped when a test says.
/// The screen is Spectre.Console's test console.
/// </summary>
internal sealed class LiveHarness : IAsyncDisposable
{
    private readonly IReceiver _receiver;

    private LiveHarness(LiveExporter exporter, IReceiver receiver, TestConsole console)
    {
        Exporter = exporter;
        _receiver = receiver;
        Console = console;
    }

    public LiveExporter Exporter { get; }

    /// <summary>Where lines go in <see cref="LiveDisplayMode.Lines"/>.</summary>
    public TestConsole Console { get; }

    /// <summary>A harness whose receiver scrapes <paramref name="database"/> (its home database too, where pg_stat_statements must be).</summary>
    public static LiveHarness Create(TestDatabase database, LiveDisplayMode display = LiveDisplayMode.Screen)
    {
        var receiver = TopConfig.ForView(
            new PostgresqlReceiverConfig { Name = "postgresql", ConnectionString = database.ConnectionString, Databases = [database.Name], InitialDelay = TimeSpan.Zero },
            monitorQueries: true);
        var console = new TestConsole();
        console.Profile.Width = 200;
        console.Profile.Capabilities.Unicode = true;
        var (exporter, processors) = LiveExporterFactory.Create(new LiveExporterConfig { Name = "live", Display = display }, console, new LiveLogSink());
        var chain = new ProcessorChain(processors, exporter);
        return new LiveHarness((LiveExporter)exporter, new PostgresqlReceiverFactory().Create(receiver, new ReceiverContext(chain, exporter, NullLoggerFactory.Instance)), console);
    }

    /// <summary>Scrapes once (catalogue and query performance); returns when it began and ended, in Unix nanoseconds.</summary>
    public async Task<(long Start, long End)> ScrapeAsync()
    {
        var start = UnixTime.NowNanoseconds();
        var results = await _receiver.ScrapeOnceAsync(TestContext.Current.CancellationToken);
        var end = UnixTime.NowNanoseconds();
        Assert.All(results, result => Assert.True(result.Errors.Count == 0, string.Join("; ", result.Errors)));
        return (start, end);
    }

    /// <summary>The view as a terminal <paramref name="width"/> characters wide shows it now, line by line, trailing spaces removed.</summary>
    public IReadOnlyList<string> Screen(int width)
    {
        var console = new TestConsole();
        console.Profile.Width = width;
        console.Profile.Capabilities.Unicode = true;
        console.Write(Exporter.Render(width));
        return [.. console.Output.Split('\n').Select(line => line.TrimEnd())];
    }

    /// <summary>The screen line of <paramref name="database"/>'s row, split at spaces.</summary>
    public static string[] DatabaseRow(IReadOnlyList<string> screen, string database)
        => Assert.Single(screen, line => line.StartsWith(database + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public async ValueTask DisposeAsync()
    {
        await _receiver.ShutdownAsync(CancellationToken.None);
        await Exporter.ShutdownAsync(CancellationToken.None);
        Exporter.Dispose();
    }
}
