using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace PgMetrics.Collector.Targets.Kubernetes;

/// <summary>
/// The two calls discovery makes to the Kubernetes API: list Services, and watch them from a resourceVersion
/// (one JSON event per line). In a pod it uses the service account as every client does: the API server at
/// <c>KUBERNETES_SERVICE_HOST</c>:<c>KUBERNETES_SERVICE_PORT</c>, verified against the account's
/// <c>ca.crt</c>, and its <c>token</c>, read again for every request because Kubernetes rotates it.
/// </summary>
/// <remarks>
/// Hand-written on purpose: the official client, KubernetesClient.Aot 21.0.8, builds without AOT or trim
/// warnings but roots its whole model and JSON context, and took the NativeAOT collector from 18.2 MB to
/// 28.8 MB, past the 20 MB the binary is held to (issue #12); it also leaves its watcher out of the AOT build. These two
/// GETs and five record types are all discovery needs.
/// </remarks>
internal sealed class KubernetesApi : IDisposable
{
    private const string ServiceAccount = "/var/run/secrets/kubernetes.io/serviceaccount";

    private readonly HttpClient _http;
    private readonly string? _tokenFile;

    private KubernetesApi(Uri server, HttpMessageHandler handler, string? tokenFile)
    {
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        _tokenFile = tokenFile;
    }

    /// <summary>The API server given (<c>api_server</c>, no credentials), or the pod's own through its service account.</summary>
    /// <exception cref="InvalidOperationException">Not in a pod, or the service account's files are missing.</exception>
    public static KubernetesApi Connect(Uri? apiServer, Func<string, string?> environment)
    {
        if (apiServer is not null)
        {
            return new KubernetesApi(apiServer, new SocketsHttpHandler(), tokenFile: null);
        }

        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT") ?? "443";
        var caFile = Path.Combine(ServiceAccount, "ca.crt");
        if (string.IsNullOrEmpty(host) || !File.Exists(caFile))
        {
            throw new InvalidOperationException($"not in a Kubernetes pod with a service account token (KUBERNETES_SERVICE_HOST, {caFile}); set api_server or mount the token (automountServiceAccountToken)");
        }

        var authority = X509CertificateLoader.LoadCertificateFromFile(caFile);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // The API server's certificate must chain to the cluster's CA, and only to it.
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        var server = new UriBuilder("https", host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Uri;
        return new KubernetesApi(server, handler, Path.Combine(ServiceAccount, "token"));
    }

    /// <summary>The Services of <paramref name="namespace"/>, or of every namespace when it is null.</summary>
    /// <exception cref="HttpRequestException">The API server refused or could not be reached.</exception>
    public async Task<ServiceList> ListServicesAsync(string? @namespace, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(ServicesPath(@namespace), cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync(body, KubernetesJsonContext.Default.ServiceList, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("the API server answered an empty ServiceList");
    }

    /// <summary>The events of a watch from <paramref name="resourceVersion"/>, until the server ends it (at most 5 minutes).</summary>
    /// <exception cref="HttpRequestException">The API server refused or could not be reached.</exception>
    public async IAsyncEnumerable<WatchEvent> WatchServicesAsync(string? @namespace, string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = $"{ServicesPath(@namespace)}?watch=true&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion={Uri.EscapeDataString(resourceVersion ?? string.Empty)}";
        using var request = await RequestAsync(path, cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize(line, KubernetesJsonContext.Default.WatchEvent) is { } watchEvent)
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
        if (_tokenFile is not null)
        {
            var token = (await File.ReadAllTextAsync(_tokenFile, cancellationToken).ConfigureAwait(false)).Trim();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
