using PgMetrics.Collector.Exporters.Live.Model;
using PgMetrics.Collector.Exporters.Live.Output;
using PgMetrics.Collector.Exporters.Live.View;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PgMetrics.Collector.Exporters.Live;

/// <summary>
/// The <c>live</c> exporter: what a person looks at before New Relic is set up. Each buffer updates the
/// model (rates from the delta processor before it, so a counter reset never shows as negative); the
/// view is redrawn in place on the whole terminal, or, where output is not a terminal, each scrape is
/// one summary line. Log records are taken too: query sample events name blocked sessions, the rest
/// (top-query events) is left to the metrics that carry the same statements.
/// </summary>
internal sealed class LiveExporter : IExporter, IDisposable
{
    private readonly Lock _gate = new();
    private readonly LiveModel _model = new();
    private readonly CollectorHealth _health = new();
    private readonly int _topQueries;
    private readonly IAnsiConsole _console;
    private readonly LiveLogSink _problems;
    private readonly LiveScreen? _screen;
    private int _linesWritten;

    /// <summary>Creates the exporter; nothing is shown until <see cref="StartAsync"/>.</summary>
    /// <param name="name">The config name.</param>
    /// <param name="topQueries">The most statements the top queries pane lists.</param>
    /// <param name="display">Screen or lines (not auto: the factory resolves it).</param>
    /// <param name="console">Where the view goes.</param>
    /// <param name="problems">Warnings logged while the screen is shown, for its health lines.</param>
    public LiveExporter(string name, int topQueries, LiveDisplayMode display, IAnsiConsole console, LiveLogSink problems)
    {
        Name = name;
        _topQueries = topQueries;
        _console = console;
        _problems = problems;
        Display = display == LiveDisplayMode.Auto ? LiveDisplayMode.Lines : display;
        _screen = Display == LiveDisplayMode.Screen ? new LiveScreen(console, Render) : null;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>How the exporter shows what it gets.</summary>
    public LiveDisplayMode Display { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> ReadinessProblems => [];

    /// <inheritdoc/>
    public string Summary
    {
        get
        {
            lock (_gate)
            {
                var scrapes = _model.Servers.Sum(s => s.Scrapes);
                return Display == LiveDisplayMode.Screen
                    ? $"{scrapes} scrapes of {_model.Servers.Count} server{(_model.Servers.Count == 1 ? string.Empty : "s")} shown"
                    : $"{_linesWritten} summary lines written";
            }
        }
    }

    /// <inheritdoc/>
    public void ConsumeMetrics(MetricsBuffer metrics)
    {
        List<string> lines;
        lock (_gate)
        {
            var scraped = _model.Apply(metrics);
            var health = scraped.Count > 0 && Display == LiveDisplayMode.Lines ? _health.Read() : null;
            lines = health is null ? [] : [.. scraped.Select(server => SummaryLine.Format(server, health))];
            _linesWritten += lines.Count;
        }

        // Written outside the lock: a slow terminal or pipe must not hold up other receivers' scrapes.
        foreach (var line in lines)
        {
            _console.Profile.Out.Writer.WriteLine(line);
        }

        _screen?.Invalidate();
    }

    /// <inheritdoc/>
    public void ConsumeLogs(LogBatch logs)
    {
        lock (_gate)
        {
            _model.Apply(logs);
        }

        _screen?.Invalidate();
    }

    /// <summary>The view as it would be drawn now at <paramref name="width"/> characters.</summary>
    public IRenderable Render(int width)
    {
        lock (_gate)
        {
            return LiveView.Build(_model, _health.Read(), width, UnixTime.NowNanoseconds(), _topQueries, _console.Profile.Capabilities.Unicode, _screen is null ? [] : _problems.Recent);
        }
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _screen?.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (_screen is not null)
        {
            await _screen.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _health.Dispose();
}
