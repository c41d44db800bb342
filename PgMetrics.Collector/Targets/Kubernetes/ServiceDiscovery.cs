using System.Text.Json;
using k8s;
using k8s.Models;
using PgMetrics.Collector.Targets;
using Microsoft.Extensions.Logging;

namespace PgMetrics.Collector.Targets.Kubernetes;

/// <summary>
/// Follows the annotated Services of a cluster with the official Kubernetes client (KubernetesClient.Aot):
/// it lists them, then watches from the list's resourceVersion, and hands the whole target list to
/// <c>onChanged</c> after the list and after every event that changes it. A watch that ends or fails (the
/// API server's timeout, 410 Gone, a broken connection) starts over with a new list after a back-off, so a
/// missed event never leaves a stale target behind. One loop runs per namespace, or one for all namespaces.
/// </summary>
internal sealed class ServiceDiscovery : IDisposable
{
    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(30);

    private readonly KubernetesDiscoveryConfig _config;
    private readonly Func<IReadOnlyList<DiscoveredTarget>, Task> _onChanged;
    private readonly ILogger _logger;
    private readonly k8s.Kubernetes _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, Dictionary<string, DiscoveredTarget>> _byScope = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _publish = new(1, 1);
    private readonly Task _running;
    private IReadOnlyList<DiscoveredTarget> _published = [];

    /// <summary>Starts following Services in the background.</summary>
    /// <param name="config">Where to look and which annotations to read.</param>
    /// <param name="onChanged">Told the full list of targets whenever it changes.</param>
    /// <param name="logger">Where list and watch failures are logged.</param>
    /// <exception cref="k8s.Exceptions.KubeConfigException">No API server is configured and the process is not in a cluster.</exception>
    public ServiceDiscovery(KubernetesDiscoveryConfig config, Func<IReadOnlyList<DiscoveredTarget>, Task> onChanged, ILogger logger)
    {
        _config = config;
        _onChanged = onChanged;
        _logger = logger;
        var clientConfig = config.ApiServer is { } apiServer
            ? new KubernetesClientConfiguration { Host = apiServer.AbsoluteUri }
            : KubernetesClientConfiguration.InClusterConfig();
        _client = new k8s.Kubernetes(clientConfig);
        IReadOnlyList<string?> scopes = config.Namespaces.Count == 0 ? [(string?)null] : [.. config.Namespaces];
        _running = Task.WhenAll(scopes.Select(scope => Task.Run(() => FollowAsync(scope, _stop.Token))));
    }

    /// <summary>The targets found now, in endpoint order.</summary>
    public IReadOnlyList<DiscoveredTarget> Targets => _published;

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
            catch (Exception ex) when (ex is HttpRequestException or k8s.Autorest.HttpOperationException or JsonException or IOException or KubernetesException)
            {
                failures++;
                TargetsLog.DiscoveryFailed(_logger, scope ?? "(all namespaces)", ex.Message);
                var wait = TimeSpan.FromSeconds(Math.Min(MaxRetryWait.TotalSeconds, Math.Pow(2, Math.Min(failures, 5))));
                try
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
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
        var list = scope is null
            ? await _client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _client.CoreV1.ListNamespacedServiceAsync(scope, cancellationToken: cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, DiscoveredTarget>(StringComparer.Ordinal);
        foreach (var service in list.Items)
        {
            if (ServiceTargets.From(service, _config.AnnotationPrefix) is { } target)
            {
                found[Key(service)] = target;
            }
        }

        await PublishAsync(scope ?? string.Empty, found).ConfigureAwait(false);
        return list.Metadata?.ResourceVersion;
    }

    /// <summary>
    /// Reads the watch stream, one JSON event per line (<c>{"type": "ADDED", "object": {…}}</c>). The client's
    /// own watcher is left out of its NativeAOT build, so the stream is read here, through the client's
    /// HttpClient and credentials, and each Service is read by the client's source-generated JSON.
    /// </summary>
    private async Task WatchAsync(string? scope, string? resourceVersion, CancellationToken cancellationToken)
    {
        var path = scope is null ? "api/v1/services" : $"api/v1/namespaces/{Uri.EscapeDataString(scope)}/services";
        var uri = new Uri(_client.BaseUri, $"{path}?watch=true&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion={Uri.EscapeDataString(resourceVersion ?? string.Empty)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var response = await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        Dictionary<string, DiscoveredTarget> current;
        lock (_byScope)
        {
            current = new Dictionary<string, DiscoveredTarget>(_byScope.GetValueOrDefault(scope ?? string.Empty) ?? [], StringComparer.Ordinal);
        }

        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var watchEvent = JsonDocument.Parse(line);
            var type = watchEvent.RootElement.GetProperty("type").GetString();
            if (type is "BOOKMARK")
            {
                continue;
            }

            if (type is "ERROR")
            {
                // Usually 410 Gone: the resourceVersion is too old. A new list starts over.
                throw new KubernetesException(KubernetesJson.Deserialize<V1Status>(watchEvent.RootElement.GetProperty("object").GetRawText()));
            }

            var service = KubernetesJson.Deserialize<V1Service>(watchEvent.RootElement.GetProperty("object").GetRawText());
            var key = Key(service);
            var target = type is "DELETED" ? null : ServiceTargets.From(service, _config.AnnotationPrefix);
            var changed = target is null ? current.Remove(key) : !current.TryGetValue(key, out var before) || before != target;
            if (target is not null)
            {
                current[key] = target;
            }

            if (changed)
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

            if (all.SequenceEqual(_published, TargetComparer.Instance))
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

    private static string Key(V1Service service) => service.Metadata.NamespaceProperty + "/" + service.Metadata.Name;

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

        _client.Dispose();
        _stop.Dispose();
        _publish.Dispose();
    }

    /// <summary>Targets compared by value, their lists and maps by content.</summary>
    private sealed class TargetComparer : IEqualityComparer<DiscoveredTarget>
    {
        public static readonly TargetComparer Instance = new();

        public bool Equals(DiscoveredTarget? x, DiscoveredTarget? y)
            => x is not null && y is not null && x.Endpoint == y.Endpoint && x.Source == y.Source && x.Databases.SequenceEqual(y.Databases)
               && x.Attributes.Count == y.Attributes.Count && x.Attributes.All(a => y.Attributes.TryGetValue(a.Key, out var v) && v == a.Value);

        public int GetHashCode(DiscoveredTarget obj) => obj.Endpoint.GetHashCode(StringComparison.Ordinal);
    }
}
