using System.Net;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Who a PostgreSQL server is on every resource it reports under: <c>server.address</c>, <c>server.port</c> and
/// <c>service.instance.id</c>, derived exactly as the OpenTelemetry postgresql receiver derives them (its
/// <c>scraper.go</c>: <c>getInstanceID</c>, <c>serverEndpointAttributes</c> and <c>resolveServiceInstanceSeed</c>),
/// so New Relic's PostgreSQL entity (INFRA-POSTGRESQLINSTANCE, keyed by <c>service.instance.id</c> or by
/// <c>server.address</c> + <c>server.port</c>) is the same entity whichever of the two collected it.
/// </summary>
public static class ServerIdentity
{
    /// <summary>The resource attribute New Relic keys its PostgreSQL entity by.</summary>
    public const string ServiceInstanceIdAttribute = "service.instance.id";

    /// <summary>The server's address resource attribute.</summary>
    public const string ServerAddressAttribute = "server.address";

    /// <summary>The server's port resource attribute.</summary>
    public const string ServerPortAttribute = "server.port";

    // The OpenTelemetry namespace UUID the receiver (and the semantic conventions for service.instance.id)
    // derive name-based UUIDs in.
    private static readonly Guid OTelNamespace = new("4d63009a-8d0f-11ee-aad7-4c796ed8e320");

    /// <summary>
    /// The three identity attributes of a server reached at <paramref name="host"/>:<paramref name="port"/>.
    /// A host starting with <c>/</c> is a Unix-socket directory, as Npgsql and libpq read it.
    /// </summary>
    /// <param name="host">The host name, IP address or socket directory, as configured.</param>
    /// <param name="port">The port.</param>
    /// <param name="useOTelSemconv">
    /// The receiver's <c>receiver.postgresql.useOTelSemconv</c> gate: <c>service.instance.id</c> becomes a UUID v5
    /// of the endpoint and a Unix socket's <c>server.address</c> its socket file path; otherwise it is <c>host:port</c>.
    /// </param>
    /// <param name="machineName">This machine's name, which replaces a loopback host; <see cref="Dns.GetHostName"/> when null.</param>
    /// <returns><c>server.address</c> (string), <c>server.port</c> (int) and <c>service.instance.id</c> (string), in that order.</returns>
    public static KeyValue[] Attributes(string host, int port, bool useOTelSemconv, string? machineName = null)
    {
        var unix = host.StartsWith('/');
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var address = unix && useOTelSemconv ? SocketPath(host, portText) : host;
        var instance = useOTelSemconv
            ? UUIDNext.Uuid.NewNameBased(OTelNamespace, SemconvSeed(host, portText, unix, machineName)).ToString()
            : LegacyInstanceId(host, portText, machineName);
        return
        [
            KeyValue.String(ServerAddressAttribute, address),
            KeyValue.Int(ServerPortAttribute, port),
            KeyValue.String(ServiceInstanceIdAttribute, instance),
        ];
    }

    /// <summary>The receiver's <c>getInstanceID</c>: <c>host:port</c>, a loopback host replaced by this machine's name.</summary>
    private static string LegacyInstanceId(string host, string port, string? machineName)
        => (IsLoopback(host) ? machineName ?? MachineName() ?? host : host) + ":" + port;

    /// <summary>
    /// The receiver's <c>resolveServiceInstanceSeed</c>: the endpoint itself for a remote host, <c>hostname:port</c>
    /// for a loopback one, and <c>unix\0hostname\0socket-path</c> for a Unix socket.
    /// </summary>
    private static string SemconvSeed(string host, string port, bool unix, string? machineName)
    {
        if (unix)
        {
            return string.Join('\0', "unix", machineName ?? MachineName() ?? string.Empty, SocketPath(host, port));
        }

        return IsLoopback(host) ? JoinHostPort(machineName ?? MachineName() ?? host, port) : JoinHostPort(host, port);
    }

    /// <summary>The socket file a directory and port name, as the receiver's <c>path.Join("/", host, ".s.PGSQL."+port)</c>.</summary>
    private static string SocketPath(string directory, string port) => "/" + directory.Trim('/') + "/.s.PGSQL." + port;

    /// <summary>Go's <c>net.JoinHostPort</c>: an IPv6 address in brackets.</summary>
    private static string JoinHostPort(string host, string port) => (host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host) + ":" + port;

    private static bool IsLoopback(string host)
        => host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static string? MachineName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            // As the receiver when os.Hostname fails: the host stays as configured.
            return null;
        }
    }
}
