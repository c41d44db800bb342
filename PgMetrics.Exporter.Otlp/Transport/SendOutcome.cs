namespace PgMetrics.Exporter.Otlp.Transport;

/// <summary>How the receiver answered one request, sorted by what the exporter must do next.</summary>
internal enum SendOutcomeKind
{
    /// <summary>Accepted (possibly with some points rejected: see <see cref="SendOutcome.RejectedPoints"/>).</summary>
    Accepted,

    /// <summary>Try again later: 429, 502, 503, 504, a timeout or a broken connection.</summary>
    Retryable,

    /// <summary>413: the payload is too large; split it and send the halves.</summary>
    TooLarge,

    /// <summary>400, 401, 403 and other 4xx: sending it again cannot help.</summary>
    Rejected,
}

/// <summary>The answer to one request. Never holds a header value, so it is safe to log.</summary>
/// <param name="StatusCode">The HTTP status, or 0 when no response arrived.</param>
/// <param name="RetryAfter">The receiver's <c>Retry-After</c>, when it sent one.</param>
/// <param name="RejectedPoints">Points the receiver refused in an otherwise accepted request (OTLP partial success).</param>
internal sealed record SendOutcome(SendOutcomeKind Kind, int StatusCode, TimeSpan? RetryAfter, long RejectedPoints, string? Message)
{
    /// <inheritdoc/>
    public override string ToString() => StatusCode == 0 ? $"{Kind}: {Message}" : $"{Kind} ({StatusCode}){(Message is null ? string.Empty : ": " + Message)}";
}
