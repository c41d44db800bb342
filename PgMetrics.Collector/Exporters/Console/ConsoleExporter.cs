using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.Collector.Exporters.Console;

/// <summary>The <c>console</c> exporter: each buffer as a table on standard output, for a person trying PgMetrics. Log records are not shown.</summary>
internal sealed class ConsoleExporter(string name, MetricsTableWriter table) : IExporter
{
    private readonly Lock _gate = new();
    private int _tables;

    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public IReadOnlyList<string> ReadinessProblems => [];

    /// <inheritdoc/>
    public string Summary => $"{_tables} tables shown";

    /// <inheritdoc/>
    public void ConsumeMetrics(MetricsBuffer metrics)
    {
        // Receivers scrape on their own schedules; tables must not interleave.
        lock (_gate)
        {
            table.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} scrape finished");
            table.Write(metrics, $"{metrics.Count} points from {metrics.Resources.Count} resources");
            _tables++;
        }
    }

    /// <inheritdoc/>
    public void ConsumeLogs(LogBatch logs)
    {
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
