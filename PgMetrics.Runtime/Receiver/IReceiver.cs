namespace PgMetrics.Runtime.Receiver;

/// <summary>A source of metrics with a lifecycle, as in the OpenTelemetry Collector.</summary>
public interface IReceiver
{
    /// <summary>The receiver's config name, e.g. <c>postgresql/replica</c>.</summary>
    string Name { get; }

    /// <summary>Starts collecting in the background; returns once started.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops collecting: the scrape in progress finishes or is cancelled when <paramref name="cancellationToken"/> fires; connections are closed.</summary>
    Task ShutdownAsync(CancellationToken cancellationToken);
}
