using System.Globalization;

namespace PgMetrics.Runtime.Queries;

/// <summary>A statement's fingerprint and its normalized text, which holds no literal of the original.</summary>
/// <param name="Value">The 64-bit FNV-1a hash of <paramref name="NormalizedText"/>.</param>
/// <param name="NormalizedText">The statement with every constant as <c>$n</c> (see <see cref="QueryFingerprinter"/>).</param>
/// <param name="IsTruncated">
/// Whether the text was cut short (by <c>track_activity_query_size</c>); its normalized text then ends
/// with <see cref="QueryFingerprinter.TruncatedMarker"/> and its fingerprint is not the complete statement's.
/// </param>
public readonly record struct QueryFingerprint(ulong Value, string NormalizedText, bool IsTruncated = false)
{
    /// <summary>The fingerprint as 16 lower-case hex characters.</summary>
    public string Hex => Value.ToString("x16", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => Hex + "\t" + NormalizedText;
}
