namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>How to reach a PgBouncer admin console (the virtual <c>pgbouncer</c> database) and log in to it.</summary>
public sealed record AdminConsoleOptions
{
    /// <summary>The host name or address; with <see cref="UnixSocket"/>, the directory holding PgBouncer's socket.</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>PgBouncer's port (<c>listen_port</c>), default 6432; a Unix socket is named after it too (<c>.s.PGSQL.6432</c>).</summary>
    public int Port { get; init; } = 6432;

    /// <summary>Connect over the Unix-domain socket in <see cref="Host"/> instead of TCP (never with TLS).</summary>
    public bool UnixSocket { get; init; }

    /// <summary>
    /// A user listed in PgBouncer's <c>stats_users</c> (enough: only SHOW commands are sent) or
    /// <c>admin_users</c>. Over the Unix socket, the user <c>pgbouncer</c> of the same OS user needs no password.
    /// </summary>
    public string Username { get; init; } = "pgbouncer";

    /// <summary>The user's password, for cleartext, MD5 or SCRAM-SHA-256 authentication; never logged.</summary>
    public string? Password { get; init; }

    /// <summary>Whether and how TLS is used.</summary>
    public AdminConsoleTls Tls { get; init; } = AdminConsoleTls.Disabled;

    /// <summary>The <c>application_name</c> the console shows for this client in <c>SHOW CLIENTS</c>.</summary>
    public string ApplicationName { get; init; } = "pgmetrics";

    /// <summary>Names the console without its password.</summary>
    public override string ToString() => UnixSocket ? $"{Host}/.s.PGSQL.{Port}" : $"{Host}:{Port}";
}

/// <summary>TLS towards the admin console, with libpq's modes (<c>disable</c>, <c>require</c>, <c>verify-full</c>).</summary>
/// <param name="Mode">Whether TLS is used and what of the server's certificate is verified.</param>
/// <param name="CaFile">A PEM file of the CA the server's certificate must chain to; null: the system's trusted roots.</param>
/// <param name="CertFile">A client certificate (PEM), for <c>auth_type = cert</c>.</param>
/// <param name="KeyFile">The client certificate's private key (PEM).</param>
public sealed record AdminConsoleTls(AdminConsoleTlsMode Mode, string? CaFile = null, string? CertFile = null, string? KeyFile = null)
{
    /// <summary>No TLS.</summary>
    public static AdminConsoleTls Disabled { get; } = new(AdminConsoleTlsMode.Disable);
}

/// <summary>What TLS towards the admin console guarantees.</summary>
public enum AdminConsoleTlsMode
{
    /// <summary>Plain TCP.</summary>
    Disable,

    /// <summary>TLS is required, the server's certificate is not checked (libpq's <c>require</c>).</summary>
    Require,

    /// <summary>TLS with the certificate's chain and host name verified (libpq's <c>verify-full</c>).</summary>
    VerifyFull,
}
