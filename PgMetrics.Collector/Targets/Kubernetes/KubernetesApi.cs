using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace PgMetrics.Collector.Targets.Kubernetes;

/// <summary>
/// The two calls discovery makes to the Kubernetes API, list Services and watch them from a resourceVersion
/// (one JSON event per line), made with the official client's parts: its in-cluster configuration
/// (<see cref="KubernetesClientConfiguration.InClusterConfig"/>: the API server at
/// <c>KUBERNETES_SERVICE_HOST</c>:<c>KUBERNETES_SERVICE_PORT</c>, the service account's CA and token, which its
/// token provider reads again as Kubernetes rotates it), its certificate check
/// (<see cref="k8s.Kubernetes.CertificateValidationCallBack"/>) and its models (<see cref="V1ServiceList"/>,
/// <see cref="V1Service"/>, <see cref="V1Status"/>).
/// </summary>
/// <remarks>
/// The requests themselves are sent here and read with <see cref="KubernetesJsonContext"/> rather than through
/// <see cref="k8s.Kubernetes"/>'s generated operations: those read every answer through the client's JSON
/// context, which roots all of its roughly 700 models and took the NativeAOT collector from 18.2 MB to 28.8 MB,
/// past the 20 MB the binary is held to. Its configuration, certificate check and the few models discovery
/// reads add under 1 MB. The client's NativeAOT build also has no watcher, so the watch is read line by line here.
/// </remarks>
internal sealed class KubernetesApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly KubernetesClientConfiguration _configuration;

    private KubernetesApi(KubernetesClientConfiguration configuration)
    {
        _configuration = configuration;
        var handler = new SocketsHttpHandler();
        if (configuration.SslCaCerts is { Count: > 0 } authorities)
        {
            // The API server's certificate must chain to the cluster's CA, checked as the client checks it.
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors)
                => k8s.Kubernetes.CertificateValidationCallBack(sender, authorities, certificate!, chain!, errors);
        }

        _http = new HttpClient(handler) { BaseAddress = new Uri(configuration.Host), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The API server given (<c>api_server</c>, no credentials), or the pod's own through its service account.</summary>
    /// <exception cref="k8s.Exceptions.KubeConfigException">Not in a pod, or the service account's files are missing (the client's message says which).</exception>
    public static KubernetesApi Connect(Uri? apiServer)
        => Connect(apiServer is null ? KubernetesClientConfiguration.InClusterConfig() : new KubernetesClientConfiguration { Host = apiServer.ToString() });

    /// <summary>An API server as a client configuration describes it: its URL, the CA it must chain to, its token.</summary>
    internal static KubernetesApi Connect(KubernetesClientConfiguration configuration) => new(configuration);

    /// <summary>The Services of <paramref name="namespace"/>, or of every namespace when it is null.</summary>
    /// <exception cref="HttpRequestException">The API server refused or could not be reached.</exception>
    /// <exception cref="JsonException">The answer is not a ServiceList.</exception>
    public async Task<V1ServiceList> ListServicesAsync(string? @namespace, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(ServicesPath(@namespace), cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync(body, KubernetesJsonContext.Default.V1ServiceList, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("the API server answered an empty ServiceList");
    }

    /// <summary>The events of a watch from <paramref name="resourceVersion"/>, until the server ends it (at most 5 minutes).</summary>
    /// <exception cref="HttpRequestException">The API server refused or could not be reached.</exception>
    /// <exception cref="JsonException">A line is not a watch event.</exception>
    public async IAsyncEnumerable<ServiceWatchEvent> WatchServicesAsync(string? @namespace, string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = $"{ServicesPath(@namespace)}?watch=true&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion={Uri.EscapeDataString(resourceVersion ?? string.Empty)}";
        using var request = await RequestAsync(path, cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize(line, KubernetesJsonContext.Default.ServiceWatchEvent) is { } watchEvent)
            {
                yield return watchEvent;
            }
        }
    }

    private static string ServicesPath(string? @namespace)
        => @namespace is null ? "api/v1/services" : $"api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/services";

    private async Task<HttpRequestMessage> RequestAsync(string path, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_configuration.TokenProvider is { } tokens)
        {
            request.Headers.Authorization = await tokens.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (!string.IsNullOrEmpty(_configuration.AccessToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _configuration.AccessToken);
        }

        return request;
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
