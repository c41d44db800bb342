namespace PgMetrics.Runtime.Receiver;

/// <summary>How the receiver reaches PostgreSQL.</summary>
public enum PostgresqlTransport
{
    /// <summary>TCP to <c>host:port</c>.</summary>
    Tcp,

    /// <summary>A Unix-domain socket in a directory: <c>socket-directory:port</c>.</summary>
    Unix,
}
