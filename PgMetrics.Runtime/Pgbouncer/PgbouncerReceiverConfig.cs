using System.Globalization;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// One <c>receivers: pgbouncer[/name]</c> block: a PgBouncer whose admin console (the virtual <c>pgbouncer</c>
/// database) is read with SHOW commands. The keys are the postgresql receiver's where they mean the same.
/// </summary>
public sealed record PgbouncerReceiverConfig : ReceiverConfig
{
    /// <summary><c>host:port</c> of PgBouncer (its <c>listen_port</c>); with the unix transport, <c>socket-directory:port</c>. Default <c>localhost:6432</c>.</summary>
    public string Endpoint { get; init; } = "localhost:6432";

    /// <summary>The endpoint: sharding hashes it, as it does a PostgreSQL target's.</summary>
    internal override string Identity => Endpoint;

    /// <summary><c>tcp</c> (default) or <c>unix</c> (PgBouncer's <c>unix_socket_dir</c>; never TLS).</summary>
    public PostgresqlTransport Transport { get; init; } = PostgresqlTransport.Tcp;

    /// <summary>A user in PgBouncer's <c>stats_users</c> (or <c>admin_users</c>). Default <c>pgbouncer</c>, which over the unix socket needs no password when the collector runs as PgBouncer's OS user.</summary>
    public string Username { get; init; } = "pgbouncer";

    /// <summary>The user's password (as in PgBouncer's auth_file); never shown.</summary>
    public string? Password { get; init; }

    /// <summary>The <c>tls</c> block, as the postgresql receiver's: TLS is required unless <c>insecure: true</c>.</summary>
    public TlsConfig Tls { get; init; } = new();

    /// <summary>Time between scrapes. Default 60 seconds.</summary>
    public override TimeSpan CollectionInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before the first scrape. Default 1 second.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest one scrape (login and every SHOW) may take; zero (the default) means the collection interval.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.Zero;

    /// <summary><c>metrics: {name: {enabled: …}}</c>, names from docs/pgbouncer-metrics.md.</summary>
    public IReadOnlyDictionary<string, bool> Metrics { get; init; } = new Dictionary<string, bool>();

    /// <summary><c>resource_attributes: {name: {enabled: …}}</c>.</summary>
    public IReadOnlyDictionary<string, bool> ResourceAttributes { get; init; } = new Dictionary<string, bool>();

    /// <summary>The host (or socket directory) part of <see cref="Endpoint"/>; valid after <see cref="Validate"/>.</summary>
    public string Host => Endpoint[..Endpoint.LastIndexOf(':')];

    /// <summary>The port part of <see cref="Endpoint"/>; valid after <see cref="Validate"/>.</summary>
    public int Port => int.Parse(Endpoint.AsSpan(Endpoint.LastIndexOf(':') + 1), CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    internal override void Validate(ConfigErrors errors)
    {
        var separator = Endpoint.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(Endpoint.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            var shown = errors.Shown(Path + ".endpoint", Endpoint);
            errors.Add(Path + ".endpoint", Transport == PostgresqlTransport.Unix
                ? $"'{shown}' is not socket-directory:port, e.g. /var/run/postgresql:6432"
                : $"'{shown}' is not host:port, e.g. localhost:6432");
        }

        if (Tls.CertFile is not null != Tls.KeyFile is not null)
        {
            errors.Add(Path + ".tls", "cert_file and key_file go together: give both or neither");
        }
    }

    /// <summary>Names the receiver and its PgBouncer; never the password.</summary>
    public override string ToString() => $"{Name} ({Endpoint})";
}
