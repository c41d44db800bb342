using System.Text;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Logs;

/// <summary>
/// New Relic's limit on an attribute value, 4,095 characters (its OpenTelemetry attribute limits), kept before
/// data leaves: a longer text is cut on a code-point boundary (never between the two halves of a surrogate
/// pair) and ends with <see cref="CutMarker"/>, and the record names what was cut in
/// <see cref="CutAttributesAttribute"/>. Anything derived from the whole text, such as a fingerprint, is
/// computed before the cut.
/// </summary>
public static class AttributeValueLimit
{
    /// <summary>New Relic's longest attribute value, in characters (UTF-16 code units, as its ingest counts).</summary>
    public const int NewRelicMaxLength = 4_095;

    /// <summary>What a cut value ends with: U+2026 HORIZONTAL ELLIPSIS.</summary>
    public const string CutMarker = "\u2026";

    /// <summary>The record attribute listing, comma-separated, the keys whose values were cut.</summary>
    public const string CutAttributesAttribute = "pgmetrics.truncated_attributes";

    /// <summary>
    /// <paramref name="value"/> when it fits in <paramref name="maxLength"/> characters; otherwise its longest prefix
    /// that ends on a code-point boundary and leaves room for <see cref="CutMarker"/>, followed by the marker.
    /// </summary>
    /// <param name="value">The text.</param>
    /// <param name="maxLength">The most UTF-16 code units the result may have; at least 2.</param>
    /// <param name="cut">Whether the text was cut.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 2.</exception>
    public static string Cut(string value, int maxLength, out bool cut)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        cut = value.Length > maxLength;
        if (!cut)
        {
            return value;
        }

        var keep = maxLength - CutMarker.Length;
        if (char.IsLowSurrogate(value[keep]) && char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), CutMarker);
    }

    /// <summary>
    /// Cuts every string attribute of <paramref name="attributes"/> longer than <paramref name="maxLength"/> in
    /// place and, when any was cut, adds <see cref="CutAttributesAttribute"/> naming them.
    /// </summary>
    /// <returns>How many values were cut.</returns>
    public static int Apply(List<KeyValue> attributes, int maxLength = NewRelicMaxLength)
    {
        StringBuilder? cutKeys = null;
        var count = attributes.Count;
        for (var i = 0; i < count; i++)
        {
            var attribute = attributes[i];
            if (attribute.Kind != AttributeValueKind.String || attribute.StringValue.Length <= maxLength)
            {
                continue;
            }

            attributes[i] = KeyValue.String(attribute.Key, Cut(attribute.StringValue, maxLength, out _));
            cutKeys = cutKeys is null ? new StringBuilder(attribute.Key) : cutKeys.Append(',').Append(attribute.Key);
        }

        if (cutKeys is null)
        {
            return 0;
        }

        attributes.Add(KeyValue.String(CutAttributesAttribute, cutKeys.ToString()));
        return cutKeys.ToString().Split(',').Length;
    }
}
