using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.OpenTelemetry;

/// <summary>
/// What <c>AddPgMetricsInstrumentation</c> adds to a meter provider: the receivers, scraping on their schedules
/// from the moment the provider is built, and one observable instrument per enabled metric under the
/// catalogue's name, unit and description (gauges as gauges, monotonic sums as counters, other sums as
/// up-down counters). Disposed with the provider: receivers stop and close their connections.
/// </summary>
internal sealed class PgMetricsInstrumentation : IDisposable
{
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(5);

    private readonly Meter _meter = new(PgMetricsInstrumentationMeter.Name, typeof(PgMetricsInstrumentation).Assembly.GetName().Version?.ToString(3));
    private readonly ObservedMetrics _metrics = new();
    private readonly List<IReceiver> _receivers = [];

    /// <summary>Creates the instruments and starts the receivers.</summary>
    /// <param name="receivers">Valid receiver configs.</param>
    /// <param name="metricSets">The app's own metric sets, scraped beside the catalogue.</param>
    /// <param name="loggerFactory">The app's logging: receivers log scrape problems there, and query events go to <c>pgmetrics.query_events</c>.</param>
    public PgMetricsInstrumentation(IReadOnlyList<PostgresqlReceiverConfig> receivers, IReadOnlyList<Func<MetricSet>> metricSets, ILoggerFactory loggerFactory)
    {
        var events = new QueryEventLogger(loggerFactory.CreateLogger(QueryEventLogger.Category));
        var factory = new PostgresqlReceiverFactory(metricSets);
        var sets = receivers.SelectMany(r => PostgresqlReceiverFactory.ToMetricSets(r) is var (catalogue, custom) ? custom.Prepend(catalogue) : []).Concat(metricSets.Select(create => create()));
        foreach (var metric in sets.SelectMany(EnabledMetrics).DistinctBy(m => m.Name))
        {
            CreateInstrument(metric);
        }

        foreach (var receiver in receivers)
        {
            var created = factory.Create(receiver, new ReceiverContext(_metrics, events, loggerFactory));
            _receivers.Add(created);
            created.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops every receiver (a scrape in progress gets <see cref="StopDeadline"/> to finish) and removes the instruments.</summary>
    public void Dispose()
    {
        using var deadline = new CancellationTokenSource(StopDeadline);
        foreach (var receiver in _receivers)
        {
            receiver.ShutdownAsync(deadline.Token).GetAwaiter().GetResult();
        }

        _meter.Dispose();
    }

    private static IEnumerable<MetricDescriptor> EnabledMetrics(MetricSet set)
        => set.Metrics.Where(metric => set.FindMetric(metric.Name)?.Enabled == true);

    private void CreateInstrument(MetricDescriptor metric)
    {
        var isInt = metric.ValueType == MetricValueType.Int;
        switch (metric.Kind)
        {
            case MetricKind.Gauge when isInt:
                _meter.CreateObservableGauge(metric.Name, () => _metrics.Longs(metric), metric.Unit, metric.Description);
                break;
            case MetricKind.Gauge:
                _meter.CreateObservableGauge(metric.Name, () => _metrics.Doubles(metric), metric.Unit, metric.Description);
                break;
            case MetricKind.Sum when metric.IsMonotonic && isInt:
                _meter.CreateObservableCounter(metric.Name, () => _metrics.Longs(metric), metric.Unit, metric.Description);
                break;
            case MetricKind.Sum when metric.IsMonotonic:
                _meter.CreateObservableCounter(metric.Name, () => _metrics.Doubles(metric), metric.Unit, metric.Description);
                break;
            case MetricKind.Sum when isInt:
                _meter.CreateObservableUpDownCounter(metric.Name, () => _metrics.Longs(metric), metric.Unit, metric.Description);
                break;
            case MetricKind.Sum:
                _meter.CreateObservableUpDownCounter(metric.Name, () => _metrics.Doubles(metric), metric.Unit, metric.Description);
                break;
            default:
                // System.Diagnostics.Metrics has no observable histogram; the catalogue declares none.
                break;
        }
    }
}
