using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.Hosting;

/// <summary>
/// The receivers running now, one per target, by name. <see cref="ApplyAsync"/> moves them to a new list of
/// targets: a new target starts, a removed one stops and closes its connections, and one whose config is
/// unchanged keeps running untouched (its connections, its schedule, and so the exporters' delta baselines
/// for its series). A target whose config changed is replaced.
/// </summary>
internal sealed class ReceiverSet
{
    private readonly Dictionary<string, (ReceiverConfig Config, IReceiver Receiver)> _running = new(StringComparer.Ordinal);
    private readonly Func<ReceiverConfig, IReceiver> _create;
    private readonly Action<string> _stopped;
    private readonly Lock _gate = new();

    /// <summary>Creates an empty set.</summary>
    /// <param name="create">Makes the receiver of one target config.</param>
    /// <param name="stopped">Told the name of each receiver after it stopped for good (to forget its self-metrics).</param>
    public ReceiverSet(Func<ReceiverConfig, IReceiver> create, Action<string> stopped)
    {
        _create = create;
        _stopped = stopped;
    }

    /// <summary>The receivers running now, in name order.</summary>
    public IReadOnlyList<IReceiver> Receivers
    {
        get
        {
            lock (_gate)
            {
                return [.. _running.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value.Receiver)];
            }
        }
    }

    /// <summary>The configs of the receivers running now, in name order.</summary>
    public IReadOnlyList<ReceiverConfig> Configs
    {
        get
        {
            lock (_gate)
            {
                return [.. _running.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value.Config)];
            }
        }
    }

    /// <summary>Runs exactly <paramref name="targets"/> from now on; returns what changed. Callers apply one list at a time.</summary>
    /// <param name="targets">Target configs with distinct names (never a target list).</param>
    /// <param name="cancellationToken">The deadline for stopping removed receivers' scrapes.</param>
    public Task<Changes> ApplyAsync(IReadOnlyList<ReceiverConfig> targets, CancellationToken cancellationToken)
        => MoveToAsync(targets, forgetStopped: true, cancellationToken);

    /// <summary>
    /// Stops every receiver: each finishes or, at <paramref name="cancellationToken"/>, abandons its scrape.
    /// Their self-metrics stay, for the report made at shutdown.
    /// </summary>
    public Task StopAllAsync(CancellationToken cancellationToken) => MoveToAsync([], forgetStopped: false, cancellationToken);

    private async Task<Changes> MoveToAsync(IReadOnlyList<ReceiverConfig> targets, bool forgetStopped, CancellationToken cancellationToken)
    {
        var wanted = targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
        List<(ReceiverConfig Config, IReceiver Receiver)> stopping;
        List<ReceiverConfig> starting;
        lock (_gate)
        {
            stopping = [.. _running.Where(r => !wanted.TryGetValue(r.Key, out var config) || !config.Equals(r.Value.Config)).Select(r => r.Value)];
            starting = [.. wanted.Values.Where(t => !_running.TryGetValue(t.Name, out var running) || !running.Config.Equals(t))];
            foreach (var (config, _) in stopping)
            {
                _running.Remove(config.Name);
            }
        }

        // Stopped together: each waits at most for its own scrape, so a hundred removals take as long as the slowest.
        await Task.WhenAll(stopping.Select(async r =>
        {
            await r.Receiver.ShutdownAsync(cancellationToken).ConfigureAwait(false);
            if (forgetStopped)
            {
                _stopped(r.Config.Name);
            }
        })).ConfigureAwait(false);

        foreach (var config in starting)
        {
            var receiver = _create(config);
            await receiver.StartAsync(CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                _running[config.Name] = (config, receiver);
            }
        }

        var replaced = stopping.Count(s => wanted.ContainsKey(s.Config.Name));
        return new Changes(starting.Count - replaced, stopping.Count - replaced, replaced, targets.Count - starting.Count);
    }

    /// <summary>What one <see cref="ApplyAsync"/> did.</summary>
    internal readonly record struct Changes(int Started, int Stopped, int Replaced, int Kept);
}
