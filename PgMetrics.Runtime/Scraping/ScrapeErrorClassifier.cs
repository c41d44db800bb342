using System.Net.Sockets;
using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>Turns what Npgsql throws into a <see cref="ScrapeError"/>, with any password removed from the message.</summary>
internal static class ScrapeErrorClassifier
{
    public static ScrapeError Classify(Exception exception, string? query, string? database, string? password)
    {
        var kind = exception switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } => ScrapeErrorKind.Authentication,
            PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } => ScrapeErrorKind.Permission,
            PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => ScrapeErrorKind.Timeout,
            // 57P01 and 57P02: the server is shutting down or restarting and ended the session mid-query.
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown } => ScrapeErrorKind.Connection,
            PostgresException => ScrapeErrorKind.Query,
            TimeoutException or OperationCanceledException => ScrapeErrorKind.Timeout,
            NpgsqlException { InnerException: TimeoutException } => ScrapeErrorKind.Timeout,
            NpgsqlException { InnerException: SocketException or IOException } => ScrapeErrorKind.Connection,
            NpgsqlException or SocketException or IOException => ScrapeErrorKind.Connection,
            _ => ScrapeErrorKind.Query,
        };

        var message = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : exception.Message;
        return new ScrapeError(kind, query, database, Redact(message, password));
    }

    public static string Redact(string message, string? secret)
        => string.IsNullOrEmpty(secret) ? message : message.Replace(secret, "***", StringComparison.Ordinal);
}
