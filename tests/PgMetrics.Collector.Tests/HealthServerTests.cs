using System.Net;
using System.Net.Sockets;
using PgMetrics.Collector.Hosting;

namespace PgMetrics.Collector.Tests;

/// <summary>The health endpoint as a pod's probes reach it: on every interface, addressed by the pod's IP.</summary>
public sealed class HealthServerTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("[::]")]
    public async Task An_all_interfaces_endpoint_answers_probes_whatever_host_name_they_send(string host)
    {
        var port = FreePort();
        await using var health = new HealthServer($"{host}:{port}", () => ["postgresql: no scrape yet"]);
        using var http = new HttpClient();

        // The kubelet sends the pod's IP as the Host header; the listener must not insist on its own name.
        using var alive = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/healthz") { Headers = { Host = $"10.1.2.3:{port}" } };
        using var ready = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/readyz") { Headers = { Host = $"10.1.2.3:{port}" } };
        using var aliveAnswer = await http.SendAsync(alive, TestContext.Current.CancellationToken);
        using var readyAnswer = await http.SendAsync(ready, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, aliveAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyAnswer.StatusCode);
        Assert.Contains("no scrape yet", await readyAnswer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:13133", "http://127.0.0.1:13133/")]
    [InlineData("0.0.0.0:13133", "http://+:13133/")]
    [InlineData("[::]:13133", "http://+:13133/")]
    [InlineData("*:13133", "http://*:13133/")]
    public void A_named_host_is_kept_and_an_all_interfaces_address_becomes_the_wildcard(string endpoint, string prefix)
        => Assert.Equal(prefix, HealthServer.Prefix(endpoint));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
