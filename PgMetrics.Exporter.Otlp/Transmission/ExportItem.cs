namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// One OTLP request waiting to be sent, kept as it goes on the wire. Ids sort in send order; a split item's
/// halves get the id plus <c>.0</c> and <c>.1</c>, which sort right where it stood.
/// </summary>
/// <param name="Id">The send-order key.</param>
/// <param name="Points">The data points or log records the request holds.</param>
/// <param name="Bytes">The kept body's size in bytes, compressed as <paramref name="Compression"/> says: what the queue's bound counts.</param>
/// <param name="RequestBytes">The encoded request's size in bytes before compression: what the payload limit counts.</param>
/// <param name="Compression">How the kept body is compressed.</param>
/// <param name="CreatedAt">When it was queued.</param>
internal sealed record ExportItem(string Id, int Points, int Bytes, int RequestBytes, OtlpCompression Compression, DateTimeOffset CreatedAt)
{
    /// <summary>Whether the item is a half of a request split after a 413: its id has a <c>.0</c> or <c>.1</c> part, in the spool's file names too.</summary>
    public bool IsSplitHalf => Id.Contains('.', StringComparison.Ordinal);
}

/// <summary>A compressed OTLP request body ready to queue: its body, how it is compressed, its size before, its points.</summary>
internal sealed record EncodedRequest(byte[] Body, OtlpCompression Compression, int RequestBytes, int Points);
