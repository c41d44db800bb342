using System.Collections;
using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.OpenTelemetry;

/// <summary>
/// Writes query monitoring's log records (<c>db.server.query_sample</c> and <c>db.server.top_query</c> events:
/// normalized text, never literals) to
/// the app's <see cref="ILogger"/>, so the OpenTelemetry logging bridge (<c>logging.AddOpenTelemetry()</c>)
/// exports them as log records: the body is the record's body, the attributes are the server's and the
/// record's, the severity is the record's (Information for an event, which has none), and an OpenTelemetry event name becomes the <see cref="EventId"/> name.
/// </summary>
internal sealed class QueryEventLogger(ILogger logger) : ILogsConsumer
{
    /// <summary>The logger category: <c>pgmetrics.query_events</c>.</summary>
    public const string Category = "pgmetrics.query_events";

    /// <inheritdoc/>
    public void ConsumeLogs(LogBatch logs)
    {
        foreach (var record in logs.Records)
        {
            // An event (no severity of its own) is logged at Information, so a default filter lets it through.
            var level = record.SeverityNumber switch
            {
                0 => LogLevel.Information,
                >= 17 => LogLevel.Error,
                >= 13 => LogLevel.Warning,
                >= 9 => LogLevel.Information,
                >= 5 => LogLevel.Debug,
                _ => LogLevel.Trace,
            };
            if (logger.IsEnabled(level))
            {
                logger.Log(level, new EventId(0, record.EventName), new State(logs.Resource, record), null, static (state, _) => state.Record.Body);
            }
        }
    }

    /// <summary>A record's attributes as structured log state; <c>{OriginalFormat}</c> is the body, so exporters take it as the log body.</summary>
    private sealed class State(IReadOnlyList<KeyValue> resource, LogRecordData record) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public LogRecordData Record => record;

        public int Count => resource.Count + record.Attributes.Length + 1;

        public KeyValuePair<string, object?> this[int index]
            => index < resource.Count ? AttributeTags.Tag(resource[index])
                : index < resource.Count + record.Attributes.Length ? AttributeTags.Tag(record.Attributes[index - resource.Count])
                : new("{OriginalFormat}", record.Body);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
