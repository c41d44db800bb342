using Microsoft.Extensions.Logging;
using PgMetrics.Exporter.Otlp.Transport;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Exporter.Otlp;

/// <summary>
/// The one place an export outcome is reported: each method updates the signal's
/// <see cref="ExportStatistics"/>, the <c>pgmetrics.*</c> instruments and the log together, so the three
/// never disagree and no caller reports an outcome twice.
/// </summary>
internal sealed class ExportEvents
{
    private readonly string _exporter;
    private readonly string _signal;
    private readonly ILogger _logger;
    private readonly HashSet<int> _reportedRefusals = [];

    /// <param name="exporter">The exporter's config name.</param>
    /// <param name="signal">What the counted items are, in messages: <c>points</c> or <c>log records</c>.</param>
    public ExportEvents(string exporter, string signal, Uri destination, ILogger logger)
    {
        _exporter = exporter;
        _signal = signal;
        Destination = destination;
        _logger = logger;
    }

    public ExportStatistics Statistics { get; } = new();

    public Uri Destination { get; }

    public void Accepted(long items, long bytes, long rejectedItems, string? reason)
    {
        Statistics.CountExported(items - rejectedItems, bytes);
        PgMetricsInstruments.RecordExported(_exporter, items - rejectedItems, bytes);
        if (rejectedItems > 0)
        {
            Statistics.CountRejected(rejectedItems, requestEnded: false);
            PgMetricsInstruments.RecordDropped(_exporter, rejectedItems, "partial_success");
            ExporterLog.PartiallyRejected(_logger, Destination, rejectedItems, _signal, reason);
        }
    }

    public void Refused(long items, SendOutcome outcome)
    {
        Statistics.CountRejected(items, requestEnded: true);
        PgMetricsInstruments.RecordExportFailure(_exporter, FailureReason(outcome));
        PgMetricsInstruments.RecordDropped(_exporter, items, "rejected");
        lock (_reportedRefusals)
        {
            // A wrong license key refuses every request; saying so once per status is enough.
            if (!_reportedRefusals.Add(outcome.StatusCode))
            {
                return;
            }
        }

        ExporterLog.Refused(_logger, Destination, items, _signal, outcome.ToString());
    }

    public void QueueFull(long items, long maxQueueBytes)
    {
        Statistics.CountDropped(items);
        PgMetricsInstruments.RecordDropped(_exporter, items, "queue_full");
        ExporterLog.QueueFull(_logger, Destination, maxQueueBytes, items, _signal);
    }

    public void Unreadable(long items, string request, string reason)
    {
        Statistics.CountDropped(items);
        PgMetricsInstruments.RecordDropped(_exporter, items, "unreadable");
        ExporterLog.UnreadableRequest(_logger, request, items, _signal, reason);
    }

    public void TooLarge(long items, int limit)
    {
        Statistics.CountDropped(items);
        PgMetricsInstruments.RecordDropped(_exporter, items, "too_large");
        ExporterLog.TooLarge(_logger, items, _signal, limit, Destination);
    }

    /// <summary>The endpoint answered 413 to a request it was sent after one split; its items are dropped.</summary>
    public void RefusedAsTooLarge(long items, int requestBytes)
    {
        Statistics.CountDropped(items);
        PgMetricsInstruments.RecordDropped(_exporter, items, "too_large");
        ExporterLog.RefusedAsTooLarge(_logger, Destination, items, _signal, requestBytes);
    }

    public void CircuitRefused() => PgMetricsInstruments.RecordExportFailure(_exporter, "circuit_open");

    public void FailedAfterRetries(SendOutcome outcome, int queuedRequests)
    {
        PgMetricsInstruments.RecordExportFailure(_exporter, FailureReason(outcome));
        ExporterLog.FailedAfterRetries(_logger, Destination, outcome.ToString(), queuedRequests);
    }

    public void Retrying()
    {
        Statistics.CountRetry();
        PgMetricsInstruments.RecordRetry(_exporter);
    }

    public void CircuitChanged(ExportCircuitState state, TimeSpan breakDuration)
    {
        var previous = Statistics.CircuitState;
        Statistics.SetCircuitState(state);
        if (state == ExportCircuitState.Open && previous != ExportCircuitState.Open)
        {
            ExporterLog.CircuitOpened(_logger, Destination, breakDuration.TotalSeconds);
        }
        else if (state == ExportCircuitState.Closed && previous != ExportCircuitState.Closed)
        {
            ExporterLog.CircuitClosed(_logger, Destination);
        }
    }

    private static string FailureReason(SendOutcome outcome)
        => outcome.StatusCode == 0 ? "connection" : "http_" + outcome.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
