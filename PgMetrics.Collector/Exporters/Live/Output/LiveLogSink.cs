using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PgMetrics.Collector.Exporters.Live.Output;

/// <summary>
/// Where the collector logs while the live view fills the terminal: lines written to standard error would
/// tear the screen, so warnings and errors are kept here, the newest few shown in the view instead.
/// </summary>
internal sealed class LiveLogSink : ILoggerProvider
{
    private const int Kept = 3;

    private readonly Queue<string> _recent = new();

    /// <summary>The process's sink: logging is process-wide, and so is the terminal.</summary>
    public static LiveLogSink Shared { get; } = new();

    /// <summary>The newest warnings and errors, oldest first, each with its time.</summary>
    public IReadOnlyList<string> Recent
    {
        get
        {
            lock (_recent)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>Keeps a message.</summary>
    public void Add(LogLevel level, string message)
    {
        var line = $"{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {(level >= LogLevel.Error ? "error" : "warning")}: {message.ReplaceLineEndings(" ")}";
        lock (_recent)
        {
            if (_recent.Count == Kept)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(line);
        }
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new SinkLogger(this);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class SinkLogger(LiveLogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink.Add(logLevel, formatter(state, exception));
            }
        }
    }
}
