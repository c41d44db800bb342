using PgMetrics.Runtime.Queries;

namespace PgMetrics.Runtime.Tests.Queries;

/// <summary>Activity text cut by track_activity_query_size, and memory settings read with their unit.</summary>
public sealed class ActivityQueryTextTests
{
    [Theory]
    [InlineData(1019, false)]
    [InlineData(1020, true)]
    [InlineData(1023, true)]
    public void Text_within_one_character_of_the_limit_counts_as_cut(int bytes, bool truncated)
        => Assert.Equal(truncated, ActivityQueryText.IsTruncated(new string('x', bytes), 1024));

    [Fact]
    public void Bytes_are_compared_not_characters()
    {
        // 400 characters of two bytes each and 221 of one: 1,021 bytes in 621 characters.
        var text = new string('é', 400) + new string('x', 221);

        Assert.True(ActivityQueryText.IsTruncated(text, 1024));
        Assert.False(ActivityQueryText.IsTruncated(text[..^10], 1024));
        Assert.False(ActivityQueryText.IsTruncated(text, 0));
    }

    [Fact]
    public void Cut_text_is_masked_marked_and_kept_apart_from_the_complete_statement()
    {
        const string complete = "SELECT * FROM accounts WHERE note = 'hunter2-secret' AND id = 7";
        var cut = complete[..complete.IndexOf("-secret", StringComparison.Ordinal)];

        var fingerprint = QueryFingerprinter.FingerprintActivity(cut, cut.Length + 1);

        Assert.True(fingerprint.IsTruncated);
        Assert.Equal("SELECT * FROM accounts WHERE note = $1" + QueryFingerprinter.TruncatedMarker, fingerprint.NormalizedText);
        Assert.DoesNotContain("hunter2", fingerprint.NormalizedText, StringComparison.Ordinal);
        Assert.NotEqual(QueryFingerprinter.Fingerprint(complete).Hex, fingerprint.Hex);
        Assert.NotEqual(QueryFingerprinter.Fingerprint(cut).Hex, fingerprint.Hex);
        Assert.False(QueryFingerprinter.FingerprintActivity(complete, 1024).IsTruncated);
    }

    [Theory]
    [InlineData("1024", null, 1024L)]
    [InlineData("1048576", "B", 1_048_576L)]
    [InlineData("2", "kB", 2_048L)]
    [InlineData("16", "8kB", 131_072L)]
    [InlineData("3", "MB", 3_145_728L)]
    [InlineData("1", "TB", 1_099_511_627_776L)]
    public void A_memory_setting_is_its_value_times_its_unit(string setting, string? unit, long bytes)
        => Assert.Equal(bytes, MemorySetting.ToBytes("track_activity_query_size", setting, unit));

    [Theory]
    [InlineData("1kB", "B", "setting '1kB' is not an integer")]
    [InlineData("1", "ms", "unit 'ms' is not a memory unit")]
    public void A_setting_that_is_no_size_is_an_error_naming_it(string setting, string unit, string message)
    {
        var error = Assert.Throws<InvalidCastException>(() => MemorySetting.ToBytes("track_activity_query_size", setting, unit));

        Assert.Contains("pg_settings.track_activity_query_size", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
