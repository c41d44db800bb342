using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Otlp;
using PgMetrics.Runtime.Resilience;
using Polly;

namespace PgMetrics.Runtime.Export;

/// <summary>
/// Sends log records (samples of long-running queries, normalized text only) to <c>/v1/logs</c>.
/// Samples are a view of the moment, so a failed send is retried briefly, then counted and dropped
/// rather than queued.
/// </summary>
public sealed class LogsExporter : IDisposable
{
    private readonly OtlpHttpSender _sender;
    private readonly ResiliencePipeline<SendOutcome> _pipeline;
    private readonly OtlpLogsWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _encoded = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger;

    public LogsExporter(OtlpExporterOptions options, ExportResilienceOptions resilience, ILogger? logger = null)
    {
        _sender = new OtlpHttpSender(options, "/v1/logs");
        _pipeline = ExportResiliencePipeline.CreateFinal(resilience with { MaxRetryAttempts = Math.Min(resilience.MaxRetryAttempts, 2) }, Statistics);
        _logger = logger ?? NullLogger.Instance;
    }

    public ExportStatistics Statistics { get; } = new();

    public async Task<bool> ExportAsync(KeyValue[] resource, IReadOnlyList<LogRecordData> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return true;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _encoded.ResetWrittenCount();
            _writer.Write(resource, records.ToArray(), _encoded);
            var payload = _encoded.WrittenMemory.ToArray();
            var outcome = await _pipeline.ExecuteAsync(async token => await _sender.SendAsync(payload, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (outcome.Kind == SendOutcomeKind.Accepted)
            {
                Statistics.CountExported(records.Count, payload.Length);
                return true;
            }

            Statistics.CountDropped(records.Count);
            _logger.LogWarning("{Count} query samples were not accepted by {Destination}: {Outcome}", records.Count, _sender.Destination, outcome.ToString());
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _sender.Dispose();
        _gate.Dispose();
    }
}
