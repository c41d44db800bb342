using System.Text;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Logs;

/// <summary>
/// New Relic's limit on an attribute value, 4,095, kept before data leaves, counted in UTF-8 bytes: a longer
/// text is cut where a character ends (never inside a UTF-8 sequence, never between the two halves of a
/// surrogate pair) and ends with <see cref="CutMarker"/>, and the record names what was cut in
/// <see cref="CutAttributesAttribute"/>. Anything derived from the whole text, such as a fingerprint, is
/// computed before the cut.
/// </summary>
/// <remarks>
/// Why bytes. New Relic states the limit as "4095 characters" (docs.newrelic.com, OpenTelemetry best practices:
/// attributes, "Maximum length of attribute value"; its Metric API limits say 4096) without naming the unit,
/// while its other pages count in bytes: the custom event limits give an agent attribute value as "255 bytes",
/// every payload "must be encoded as UTF-8", and a long Log attribute is kept as its first 4,094 characters plus
/// "the next 128,000 UTF-8 bytes". OTLP carries strings as UTF-8 on the wire. A value within 4,095 UTF-8 bytes
/// is within 4,095 of every unit New Relic may mean (bytes, code points, UTF-16 code units), since each character
/// takes at least as many UTF-8 bytes as it has code points or UTF-16 units; a value within 4,095 UTF-16 units is
/// not (4,095 CJK characters are 12,285 bytes). So the cut is on UTF-8 bytes.
/// </remarks>
public static class AttributeValueLimit
{
    /// <summary>New Relic's longest attribute value, in UTF-8 bytes (see the remarks of <see cref="AttributeValueLimit"/>).</summary>
    public const int NewRelicMaxBytes = 4_095;

    /// <summary>What a cut value ends with: U+2026 HORIZONTAL ELLIPSIS (3 UTF-8 bytes).</summary>
    public const string CutMarker = "\u2026";

    /// <summary>The record attribute listing, comma-separated, the keys whose values were cut.</summary>
    public const string CutAttributesAttribute = "pgmetrics.truncated_attributes";

    private static readonly int CutMarkerBytes = Encoding.UTF8.GetByteCount(CutMarker);

    /// <summary>Whether <paramref name="value"/> takes more than <paramref name="maxBytes"/> bytes in UTF-8.</summary>
    public static bool IsOver(string value, int maxBytes)
        // A UTF-16 unit takes 1 to 3 UTF-8 bytes (a surrogate pair, two units, takes 4), so most values are decided without counting.
        => value.Length > maxBytes || (value.Length * 3 > maxBytes && Encoding.UTF8.GetByteCount(value) > maxBytes);

    /// <summary>
    /// <paramref name="value"/> when it fits in <paramref name="maxBytes"/> UTF-8 bytes; otherwise its longest prefix
    /// that ends where a character ends and leaves room for <see cref="CutMarker"/>, followed by the marker.
    /// </summary>
    /// <param name="value">The text.</param>
    /// <param name="maxBytes">The most UTF-8 bytes the result may take; at least 4 (the marker's 3 and one byte of text).</param>
    /// <param name="cut">Whether the text was cut.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is less than 4.</exception>
    public static string Cut(string value, int maxBytes, out bool cut)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, CutMarkerBytes + 1);
        cut = IsOver(value, maxBytes);
        if (!cut)
        {
            return value;
        }

        var budget = maxBytes - CutMarkerBytes;
        var keep = 0;
        var bytes = 0;
        while (keep < value.Length)
        {
            // A character's UTF-8 length: 1 to 3 bytes for one UTF-16 unit, 4 for a surrogate pair (taken whole).
            // A lone surrogate is written as U+FFFD, 3 bytes.
            var units = char.IsHighSurrogate(value[keep]) && keep + 1 < value.Length && char.IsLowSurrogate(value[keep + 1]) ? 2 : 1;
            var size = units == 2 ? 4 : Utf8Length(value[keep]);
            if (bytes + size > budget)
            {
                break;
            }

            bytes += size;
            keep += units;
        }

        return string.Concat(value.AsSpan(0, keep), CutMarker);
    }

    /// <summary>
    /// Cuts every string attribute of <paramref name="attributes"/> longer than <paramref name="maxBytes"/> UTF-8
    /// bytes in place and, when any was cut, adds <see cref="CutAttributesAttribute"/> naming them.
    /// </summary>
    /// <returns>How many values were cut.</returns>
    public static int Apply(List<KeyValue> attributes, int maxBytes = NewRelicMaxBytes)
    {
        StringBuilder? cutKeys = null;
        var count = attributes.Count;
        var cutCount = 0;
        for (var i = 0; i < count; i++)
        {
            var attribute = attributes[i];
            if (attribute.Kind != AttributeValueKind.String || !IsOver(attribute.StringValue, maxBytes))
            {
                continue;
            }

            attributes[i] = KeyValue.String(attribute.Key, Cut(attribute.StringValue, maxBytes, out _));
            cutKeys = cutKeys is null ? new StringBuilder(attribute.Key) : cutKeys.Append(',').Append(attribute.Key);
            cutCount++;
        }

        if (cutKeys is null)
        {
            return 0;
        }

        attributes.Add(KeyValue.String(CutAttributesAttribute, cutKeys.ToString()));
        return cutCount;
    }

    private static int Utf8Length(char c) => c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
}
