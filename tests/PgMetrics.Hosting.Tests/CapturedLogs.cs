using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PgMetrics.Hosting.Tests;

/// <summary>An app's logging provider that keeps every message, to check what PgMetrics logs through the app's logger.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => logs.Entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
