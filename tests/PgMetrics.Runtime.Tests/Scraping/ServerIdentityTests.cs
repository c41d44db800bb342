using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Tests.Scraping;

/// <summary>service.instance.id, server.address and server.port come out as the OpenTelemetry receiver derives them.</summary>
public sealed class ServerIdentityTests
{
    private static Dictionary<string, string> Of(string host, int port, bool semconv)
        => ServerIdentity.Attributes(host, port, semconv, machineName: "box").ToDictionary(a => a.Key, a => a.FormatValue());

    [Theory]
    [InlineData("db.example.com", "db.example.com:5432")]
    [InlineData("10.1.2.3", "10.1.2.3:5432")]
    [InlineData("localhost", "box:5432")]
    [InlineData("127.0.0.1", "box:5432")]
    [InlineData("::1", "box:5432")]
    [InlineData("/var/run/postgresql", "/var/run/postgresql:5432")]
    public void The_legacy_instance_id_is_host_and_port_with_a_loopback_host_replaced_by_the_machine_name(string host, string expected)
    {
        var identity = Of(host, 5432, semconv: false);

        Assert.Equal((expected, host, "5432"), (identity["service.instance.id"], identity["server.address"], identity["server.port"]));
    }

    [Theory]
    // Python: uuid.uuid5(uuid.UUID('4d63009a-8d0f-11ee-aad7-4c796ed8e320'), seed), the receiver's namespace and seeds.
    [InlineData("db.example.com", "db.example.com", "165726f3-e985-53b5-9e4f-b86bb7dbeb83")]
    [InlineData("/var/run/postgresql", "/var/run/postgresql/.s.PGSQL.5432", "618690e5-1ac6-591a-b877-44dbe8f68f29")]
    public void Under_semconv_the_instance_id_is_a_UUID_v5_of_the_endpoint(string host, string address, string expected)
    {
        var identity = Of(host, 5432, semconv: true);

        Assert.Equal((expected, address), (identity["service.instance.id"], identity["server.address"]));
    }

    [Fact]
    public void Under_semconv_a_loopback_endpoint_is_seeded_with_the_machine_name()
        => Assert.Equal(Of("box", 5432, semconv: true)["service.instance.id"], Of("localhost", 5432, semconv: true)["service.instance.id"]);
}
