using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Collector.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    public void Go_style_durations_parse(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("ten seconds")]
    [InlineData("10x")]
    [InlineData("s")]
    public void Anything_else_is_refused_with_a_hint(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _, out var error));
        Assert.Contains("10s", error, StringComparison.Ordinal);
    }
}
