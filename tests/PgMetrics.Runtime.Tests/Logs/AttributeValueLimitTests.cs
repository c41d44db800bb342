using System.Text;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Tests.Logs;

/// <summary>New Relic's 4,095 limit is counted in UTF-8 bytes, and a value is cut only where a character ends.</summary>
public sealed class AttributeValueLimitTests
{
    private const int Limit = AttributeValueLimit.NewRelicMaxBytes;

    // Throws on a lone surrogate instead of writing U+FFFD, so a split pair cannot go unnoticed.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void Ascii_text_over_the_limit_keeps_as_many_bytes_as_fit_with_the_marker()
    {
        var cut = AttributeValueLimit.Cut(new string('a', 5_000), Limit, out var wasCut);

        Assert.True(wasCut);
        Assert.Equal(new string('a', Limit - 3) + AttributeValueLimit.CutMarker, cut);
        Assert.Equal(Limit, StrictUtf8.GetByteCount(cut));
    }

    [Fact]
    public void Cjk_text_within_4095_UTF16_units_but_over_4095_bytes_is_cut()
    {
        // 2,000 characters of 3 bytes each: 6,000 bytes, though only 2,000 UTF-16 units.
        var text = string.Concat(Enumerable.Repeat("漢", 2_000));

        var cut = AttributeValueLimit.Cut(text, Limit, out var wasCut);

        Assert.True(wasCut);
        // 4,092 bytes of text is 1,364 whole characters; with the marker's 3 bytes, exactly the limit.
        Assert.Equal(string.Concat(Enumerable.Repeat("漢", 1_364)) + AttributeValueLimit.CutMarker, cut);
        Assert.Equal(Limit, StrictUtf8.GetByteCount(cut));
    }

    [Fact]
    public void A_two_byte_character_across_the_boundary_is_left_out_whole()
    {
        // 4,091 bytes of ASCII, then é (2 bytes) would end at byte 4,093, past the 4,092 the marker leaves.
        var text = new string('a', 4_091) + "é" + "tail";

        var cut = AttributeValueLimit.Cut(text, Limit, out _);

        Assert.Equal(new string('a', 4_091) + AttributeValueLimit.CutMarker, cut);
        Assert.Equal(4_094, StrictUtf8.GetByteCount(cut));
    }

    [Fact]
    public void A_two_byte_character_that_ends_on_the_boundary_is_kept()
    {
        var text = new string('a', 4_090) + "é" + "tail";

        var cut = AttributeValueLimit.Cut(text, Limit, out _);

        Assert.Equal(new string('a', 4_090) + "é" + AttributeValueLimit.CutMarker, cut);
        Assert.Equal(Limit, StrictUtf8.GetByteCount(cut));
    }

    [Fact]
    public void An_emoji_across_the_boundary_is_left_out_whole_never_half_a_surrogate_pair()
    {
        // 4,090 bytes of ASCII, then an emoji (4 bytes, a surrogate pair) would end at byte 4,094.
        var text = new string('a', 4_090) + "\U0001F418" + "tail";

        var cut = AttributeValueLimit.Cut(text, Limit, out _);

        Assert.Equal(new string('a', 4_090) + AttributeValueLimit.CutMarker, cut);
        Assert.False(char.IsHighSurrogate(cut[^2]));
        Assert.Equal(4_093, StrictUtf8.GetByteCount(cut));
    }

    [Fact]
    public void Text_of_exactly_the_limit_in_bytes_is_kept_as_it_is()
    {
        // 1,023 emoji (4,092 bytes) and one 3-byte character: 4,095 bytes in 2,047 UTF-16 units.
        var text = string.Concat(Enumerable.Repeat("\U0001F418", 1_023)) + "漢";

        Assert.Same(text, AttributeValueLimit.Cut(text, Limit, out var wasCut));
        Assert.False(wasCut);
        Assert.EndsWith(AttributeValueLimit.CutMarker, AttributeValueLimit.Cut(text + "a", Limit, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_cut_of_mixed_text_is_the_longest_whole_character_prefix_within_the_limit()
    {
        string[] alphabet = ["a", "é", "漢", "\U0001F418", "ß", "\u0800", "\u07FF", "\uFFFD"];
        var random = new Random(4_095);
        for (var run = 0; run < 200; run++)
        {
            var text = new StringBuilder();
            while (text.Length < 5_000)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            var value = text.ToString();
            var cut = AttributeValueLimit.Cut(value, Limit, out _);
            var kept = cut[..^AttributeValueLimit.CutMarker.Length];

            Assert.True(StrictUtf8.GetByteCount(cut) <= Limit);
            Assert.StartsWith(kept, value, StringComparison.Ordinal);
            // The next whole character would not have fit.
            var next = char.IsHighSurrogate(value[kept.Length]) ? 2 : 1;
            Assert.True(StrictUtf8.GetByteCount(value[..(kept.Length + next)]) + 3 > Limit);
        }
    }

    [Fact]
    public void Apply_cuts_by_bytes_and_names_what_it_cut()
    {
        List<KeyValue> attributes =
        [
            KeyValue.String("db.query.text", string.Concat(Enumerable.Repeat("é", 3_000))),
            KeyValue.String("db.user", "app"),
        ];

        Assert.Equal(1, AttributeValueLimit.Apply(attributes));

        Assert.True(StrictUtf8.GetByteCount(attributes[0].StringValue) <= Limit);
        Assert.Equal(KeyValue.String(AttributeValueLimit.CutAttributesAttribute, "db.query.text"), attributes[^1]);
    }
}
