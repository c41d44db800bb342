using System.Text.Json;
using k8s.Exceptions;
using k8s.Models;
using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Targets;

namespace PgMetrics.Collector.Targets.Kubernetes;

/// <summary>
/// Follows the annotated Services of a cluster: it lists them, then watches from the list's resourceVersion,
/// and hands the whole target list to <c>onChanged</c> after the list and after every event that changes it.
/// A watch that ends or fails (the API server's timeout, 410 Gone, a broken connection) starts over with a
/// new list after a back-off, so a missed event never leaves a stale target behind; the targets found so
/// far stay meanwhile. One loop runs per namespace, or one for all namespaces.
/// </summary>
internal sealed class ServiceDiscovery : IDisposable
{
    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(30);

    private readonly KubernetesDiscoveryConfig _config;
    private readonly Func<IReadOnlyList<DiscoveredTarget>, Task> _onChanged;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, Dictionary<string, DiscoveredTarget>> _byScope = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _publish = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Task _running;
    private KubernetesApi? _api;
    private IReadOnlyList<DiscoveredTarget> _published = [];

    /// <summary>Starts following Services in the background.</summary>
    /// <param name="config">Where to look and which annotations to read.</param>
    /// <param name="onChanged">Told the full list of targets whenever it changes.</param>
    /// <param name="logger">Where list and watch failures are logged.</param>
    public ServiceDiscovery(KubernetesDiscoveryConfig config, Func<IReadOnlyList<DiscoveredTarget>, Task> onChanged, ILogger logger)
    {
        _config = config;
        _onChanged = onChanged;
        _logger = logger;
        IReadOnlyList<string?> scopes = config.Namespaces.Count == 0 ? [(string?)null] : [.. config.Namespaces];
        _running = Task.WhenAll(scopes.Select(scope => Task.Run(() => FollowAsync(scope, _stop.Token))));
    }

    /// <summary>The targets found now, in endpoint order.</summary>
    public IReadOnlyList<DiscoveredTarget> Targets => _published;

    private KubernetesApi Api()
    {
        lock (_gate)
        {
            return _api ??= KubernetesApi.Connect(_config.ApiServer);
        }
    }

    private async Task FollowAsync(string? scope, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await ListAsync(scope, cancellationToken).ConfigureAwait(false);
                failures = 0;
                await WatchAsync(scope, resourceVersion, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException or InvalidOperationException or UnauthorizedAccessException or KubeConfigException)
            {
                failures++;
                TargetsLog.DiscoveryFailed(_logger, scope ?? "(all namespaces)", ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(MaxRetryWait.TotalSeconds, Math.Pow(2, Math.Min(failures, 5)))), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string?> ListAsync(string? scope, CancellationToken cancellationToken)
    {
        var list = await Api().ListServicesAsync(scope, cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, DiscoveredTarget>(StringComparer.Ordinal);
        foreach (var service in list.Items ?? [])
        {
            if (ServiceTargets.From(service, _config.AnnotationPrefix) is { } target)
            {
                found[Key(service)] = target;
            }
        }

        await PublishAsync(scope ?? string.Empty, found).ConfigureAwait(false);
        return list.Metadata?.ResourceVersion;
    }

    private async Task WatchAsync(string? scope, string? resourceVersion, CancellationToken cancellationToken)
    {
        Dictionary<string, DiscoveredTarget> current;
        lock (_byScope)
        {
            current = new Dictionary<string, DiscoveredTarget>(_byScope.GetValueOrDefault(scope ?? string.Empty) ?? [], StringComparer.Ordinal);
        }

        await foreach (var watchEvent in Api().WatchServicesAsync(scope, resourceVersion, cancellationToken).ConfigureAwait(false))
        {
            switch (watchEvent.Type)
            {
                case "BOOKMARK":
                    continue;
                case "ERROR":
                    // Usually 410 Gone: the resourceVersion is too old. A new list starts over.
                    var status = watchEvent.ReadStatus();
                    throw new InvalidOperationException($"the watch ended with {status?.Code}: {status?.Message}");
            }

            if (watchEvent.ReadService() is not { } service)
            {
                continue;
            }

            var key = Key(service);
            var target = watchEvent.Type == "DELETED" ? null : ServiceTargets.From(service, _config.AnnotationPrefix);
            var differs = target is null ? current.Remove(key) : !current.TryGetValue(key, out var before) || !Same(before, target);
            if (target is not null)
            {
                current[key] = target;
            }

            if (differs)
            {
                await PublishAsync(scope ?? string.Empty, new Dictionary<string, DiscoveredTarget>(current, StringComparer.Ordinal)).ConfigureAwait(false);
            }
        }
    }

    private async Task PublishAsync(string scope, Dictionary<string, DiscoveredTarget> found)
    {
        await _publish.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            IReadOnlyList<DiscoveredTarget> all;
            lock (_byScope)
            {
                _byScope[scope] = found;
                all = [.. _byScope.Values.SelectMany(s => s.Values).DistinctBy(t => t.Endpoint).OrderBy(t => t.Endpoint, StringComparer.Ordinal)];
            }

            if (all.Count == _published.Count && all.Zip(_published).All(pair => Same(pair.First, pair.Second)))
            {
                return;
            }

            _published = all;
            await _onChanged(all).ConfigureAwait(false);
        }
        finally
        {
            _publish.Release();
        }
    }

    private static string Key(V1Service service) => service.Metadata?.NamespaceProperty + "/" + service.Metadata?.Name;

    /// <summary>Targets compared by value, their lists and maps by content.</summary>
    private static bool Same(DiscoveredTarget x, DiscoveredTarget y)
        => x.Endpoint == y.Endpoint && x.Source == y.Source && x.Databases.SequenceEqual(y.Databases)
           && x.Attributes.Count == y.Attributes.Count && x.Attributes.All(a => y.Attributes.TryGetValue(a.Key, out var v) && v == a.Value);

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _running.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loops end by cancellation; anything else was logged as it happened.
        }

        _api?.Dispose();
        _stop.Dispose();
        _publish.Dispose();
    }
}
