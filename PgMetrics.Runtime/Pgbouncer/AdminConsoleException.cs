namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>PgBouncer answered with an ErrorResponse: a refused login, or a command it does not accept.</summary>
/// <param name="sqlState">The SQLSTATE PgBouncer sent (it uses <c>08P01</c> for most of its own errors).</param>
/// <param name="message">PgBouncer's message text; it never contains the password.</param>
/// <param name="duringLogin">Whether the error ended the login (the console refused the user), rather than a command.</param>
public sealed class AdminConsoleException(string sqlState, string message, bool duringLogin)
    : Exception($"{sqlState}: {message}")
{
    /// <summary>The SQLSTATE, e.g. <c>08P01</c> or <c>28P01</c>.</summary>
    public string SqlState { get; } = sqlState;

    /// <summary>PgBouncer's message text.</summary>
    public string MessageText { get; } = message;

    /// <summary>Whether the console refused the login (wrong password, not in admin_users/stats_users, no such user).</summary>
    public bool DuringLogin { get; } = duringLogin;
}

/// <summary>The login could not be completed on the client's side: an unsupported method, or a server that failed to prove itself.</summary>
public sealed class AuthenticationFailedException(string message) : Exception(message);
