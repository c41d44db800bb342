using System.Globalization;

namespace PgMetrics.Runtime.Queries;

/// <summary>A statement's fingerprint and its normalized text, which holds no literal of the original.</summary>
public readonly record struct QueryFingerprint(ulong Value, string NormalizedText)
{
    /// <summary>The fingerprint as 16 lower-case hex characters.</summary>
    public string Hex => Value.ToString("x16", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => Hex + "\t" + NormalizedText;
}
