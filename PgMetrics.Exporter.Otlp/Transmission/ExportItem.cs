namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// One encoded OTLP request waiting to be sent. Ids sort in send order; a split item's halves get
/// the id plus <c>.0</c> and <c>.1</c>, which sort right where it stood.
/// </summary>
internal sealed record ExportItem(string Id, int Points, int Bytes, DateTimeOffset CreatedAt);
