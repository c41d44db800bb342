namespace PgMetrics.Runtime.Export;

/// <summary>What happened to one export request. Carries no header values, so it is safe to log.</summary>
/// <param name="StatusCode">The HTTP status, or 0 when no response arrived.</param>
public sealed record ExportResult(bool Succeeded, int Points, int EncodedBytes, int SentBytes, int StatusCode, string? Error)
{
    /// <inheritdoc/>
    public override string ToString()
        => Succeeded
            ? $"exported {Points} points ({EncodedBytes} bytes, {SentBytes} sent)"
            : $"export of {Points} points failed: {Error}";
}
