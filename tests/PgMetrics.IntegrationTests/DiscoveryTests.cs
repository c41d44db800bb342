using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Hosting;
using PgMetrics.Collector.Receivers.Postgresql;
using PgMetrics.Collector.Targets.Kubernetes;
using PgMetrics.Hosting;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Targets;
using PgMetrics.TestOtlp;
using PgMetrics.Tests.Shared;

namespace PgMetrics.IntegrationTests;

/// <summary>Kubernetes discovery through the official client, against a stand-in API server that lists and watches Services.</summary>
public sealed class DiscoveryTests : IDisposable
{
    private const string ApiKey = "nr-discovery-key-5678NRAL";
    private static readonly Dictionary<string, string> Scrape = new() { ["pgmetrics.io/scrape"] = "true" };
    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-discovery-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task WaitForTargetsAsync(CollectorHost host, params string[] endpoints)
    {
        var expected = endpoints.Select(e => $"postgresql/k8s[{e}]").Order().ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!host.RunningTargets.Select(t => t.Name).Order().SequenceEqual(expected))
        {
            Assert.True(DateTime.UtcNow < deadline, $"running {string.Join(", ", host.RunningTargets.Select(t => t.Name))}, expected {string.Join(", ", expected)}");
            await Task.Delay(100, Cancel);
        }
    }

    [Fact]
    public async Task Annotated_services_become_targets_and_the_watch_adds_changes_and_removes_them()
    {
        await using var api = new KubernetesApiStandIn();
        await using var newRelic = new NewRelicStandIn(ApiKey);
        api.Put(KubernetesApiStandIn.Service("db", "orders", new Dictionary<string, string>(Scrape) { ["pgmetrics.io/port"] = "6432", ["pgmetrics.io/databases"] = "orders, audit" }, ("postgres", 5432)));
        api.Put(KubernetesApiStandIn.Service("db", "billing", Scrape, ("metrics", 9187), ("postgres", 5432)));
        api.Put(KubernetesApiStandIn.Service("db", "web", new Dictionary<string, string>(), ("http", 80)));
        api.Put(KubernetesApiStandIn.Service("other", "elsewhere", Scrape, ("postgres", 5432)));
        var path = Path.Combine(_directory, "pgmetrics.yaml");
        File.WriteAllText(path, $$"""
            receivers:
              postgresql/k8s:
                collection_interval: 1s
                timeout: 500ms
                max_backoff: 1m
                attributes: {team: data}
                discovery:
                  kubernetes: {api_server: "{{api.Endpoint}}", namespaces: [db]}
            exporters:
              otlp:
                endpoint: "{{newRelic.Endpoint}}"
                headers:
                  api-key: "{{ApiKey}}"
            service:
              telemetry:
                health:
                  endpoint: ""
            """);
        var loaded = ConfigLoader.Load(path, _ => null);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        await using var host = new CollectorHost(loaded.Config!, NullLoggerFactory.Instance);
        await host.StartAsync();

        await WaitForTargetsAsync(host, "billing.db.svc:5432", "orders.db.svc:6432");
        var orders = (PostgresqlReceiverConfig)host.RunningTargets.Single(t => t.Identity == "orders.db.svc:6432");
        Assert.Equal(["orders", "audit"], orders.Databases);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "data", ["k8s.namespace.name"] = "db", ["k8s.service.name"] = "orders" }, orders.Attributes);
        var billing = host.Receivers.Single(r => r.Name == "postgresql/k8s[billing.db.svc:5432]");

        await api.ChangeAsync("ADDED", KubernetesApiStandIn.Service("db", "inventory", Scrape, ("postgres", 5433)));
        await api.ChangeAsync("MODIFIED", KubernetesApiStandIn.Service("db", "orders", new Dictionary<string, string>(), ("postgres", 5432)));
        await api.ChangeAsync("MODIFIED", KubernetesApiStandIn.Service("db", "billing", Scrape, ("metrics", 9187), ("postgres", 5432)));
        await WaitForTargetsAsync(host, "billing.db.svc:5432", "inventory.db.svc:5433");
        Assert.Same(billing, host.Receivers.Single(r => r.Name == "postgresql/k8s[billing.db.svc:5432]"));

        // The watch started where the list left off, and only the namespace asked for was read.
        var requests = api.Requests.ToList();
        Assert.Contains(requests, r => r.StartsWith("/api/v1/namespaces/db/services?watch=true", StringComparison.Ordinal) && r.Contains("resourceVersion=104", StringComparison.Ordinal));
        Assert.All(requests, r => Assert.StartsWith("/api/v1/namespaces/db/", r, StringComparison.Ordinal));

        // A watch that ends is followed by a new list, which finds what changed meanwhile.
        api.EndWatch();
        await api.ChangeAsync("DELETED", KubernetesApiStandIn.Service("db", "billing", Scrape, ("postgres", 5432)));
        await WaitForTargetsAsync(host, "inventory.db.svc:5433");
        Assert.True(api.Requests.Count(r => !r.Contains("watch=true", StringComparison.Ordinal)) >= 2, "discovery listed again after its watch ended");

        // 410 Gone in an ERROR event (the resourceVersion is too old) also starts over with a new list.
        var listsBefore = api.Requests.Count(r => !r.Contains("watch=true", StringComparison.Ordinal));
        await api.ExpireWatchAsync();
        api.Put(KubernetesApiStandIn.Service("db", "ledger", Scrape, ("postgres", 5434)));
        await WaitForTargetsAsync(host, "inventory.db.svc:5433", "ledger.db.svc:5434");
        Assert.True(api.Requests.Count(r => !r.Contains("watch=true", StringComparison.Ordinal)) > listsBefore, "discovery listed again after the watch's 410");
        await host.ShutdownAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_API_server_is_trusted_only_through_the_cluster_CA_and_sent_the_service_account_token()
    {
        const string token = "service-account-token-not-for-logs";
        await using var api = new KubernetesApiStandIn(TestCertificates.Authority.Server, token);
        api.Put(KubernetesApiStandIn.Service("db", "orders", Scrape, ("postgres", 5432), ("metrics", 9187)));
        var server = new UriBuilder(api.Endpoint) { Host = "localhost" }.Uri.ToString();
        using var clusterAuthority = X509Certificate2.CreateFromPem(TestCertificates.Authority.PemCertificate);
        using var otherAuthority = X509Certificate2.CreateFromPem(TestCertificates.Other.PemCertificate);

        // As in a pod: the client's configuration with the cluster's CA and a token provider.
        using (var inCluster = KubernetesApi.Connect(new KubernetesClientConfiguration { Host = server, SslCaCerts = [clusterAuthority], TokenProvider = new StringTokenProvider(token, "Bearer") }))
        {
            var list = await inCluster.ListServicesAsync("db", Cancel);
            var service = Assert.Single(list.Items);
            Assert.Equal(("orders", "db", "10.96.12.34"), (service.Metadata.Name, service.Metadata.NamespaceProperty, service.Spec.ClusterIP));
            Assert.Equal(new DateTime(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc), service.Metadata.CreationTimestamp?.ToUniversalTime());
            Assert.Equal(["5432", "metrics"], service.Spec.Ports.Select(p => p.TargetPort.Value));
            Assert.Equal("orders.db.svc:5432", ServiceTargets.From(service, "pgmetrics.io/")?.Endpoint);
        }

        using (var anonymous = KubernetesApi.Connect(new KubernetesClientConfiguration { Host = server, SslCaCerts = [clusterAuthority] }))
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.ListServicesAsync("db", Cancel));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var otherCluster = KubernetesApi.Connect(new KubernetesClientConfiguration { Host = server, SslCaCerts = [otherAuthority], AccessToken = token }))
        {
            var untrusted = await Assert.ThrowsAsync<HttpRequestException>(() => otherCluster.ListServicesAsync("db", Cancel));
            Assert.IsType<AuthenticationException>(untrusted.InnerException);
            Assert.DoesNotContain(token, untrusted.ToString(), StringComparison.Ordinal);
        }

        // Two requests arrived, the trusted and the anonymous: the one that did not trust the server sent it nothing.
        Assert.Equal(2, api.Requests.Count);
    }

    [Fact]
    public void Discovery_outside_a_cluster_without_an_api_server_is_a_config_mistake()
    {
        var result = ConfigLoader.Parse("receivers:\n  postgresql/k8s:\n    discovery:\n      kubernetes: {namespaces: [db]}\n", "pgmetrics.yaml", _ => null);

        var error = Assert.Single(result.Errors);
        Assert.Equal((4, 19, "receivers.postgresql/k8s.discovery.kubernetes"), (error.Line, error.Column, error.Key));
        Assert.Contains("KUBERNETES_SERVICE_HOST is not set", error.Message, StringComparison.Ordinal);
    }
}
