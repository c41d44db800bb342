using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Hosting;
using PgMetrics.Hosting;

namespace PgMetrics.Collector.Tests;

/// <summary>service.memory_limiter: read like otelcol's memory_limiter, and a full collection above its soft limit.</summary>
public sealed class MemoryLimiterTests
{
    private const long Mib = 1024 * 1024;

    private static MemoryLimiterConfig Read(string block)
    {
        var result = ConfigLoader.Parse($"receivers:\n  postgresql: {{}}\nservice:\n  memory_limiter: {block}\n", "pgmetrics.yaml", _ => null);
        Assert.Empty(result.Errors);
        return result.Config!.Service.MemoryLimiter;
    }

    [Fact]
    public void The_limiter_is_off_by_default_and_its_spike_is_a_fifth_of_the_limit_unless_given()
    {
        var defaults = ConfigLoader.Parse("receivers:\n  postgresql: {}\n", "pgmetrics.yaml", _ => null).Config!.Service.MemoryLimiter;
        var fifth = Read("{limit_mib: 150}");
        var given = Read("{limit_mib: 150, spike_limit_mib: 40, check_interval: 5s}");

        Assert.False(defaults.Enabled);
        Assert.Equal((150, 30, TimeSpan.FromSeconds(1), 120 * Mib), (fifth.LimitMib, fifth.SpikeLimitMib, fifth.CheckInterval, fifth.SoftLimitBytes));
        Assert.Equal((40, TimeSpan.FromSeconds(5), 110 * Mib), (given.SpikeLimitMib, given.CheckInterval, given.SoftLimitBytes));
    }

    [Theory]
    [InlineData("{limit_mib: 100, spike_limit_mib: 100}", "service.memory_limiter.spike_limit_mib", "must be less than limit_mib (100)")]
    [InlineData("{spike_limit_mib: 20}", "service.memory_limiter.limit_mib", "memory_limiter needs limit_mib")]
    [InlineData("{limit_mib: 0}", "service.memory_limiter.limit_mib", "at least 1")]
    [InlineData("{limit_mib: 100, check_interval: 0s}", "service.memory_limiter.check_interval", "")]
    [InlineData("{limit_mib: 100, limit_percentage: 80}", "service.memory_limiter.limit_percentage", "")]
    public void A_memory_limiter_mistake_is_named_with_its_key(string block, string key, string message)
    {
        var result = ConfigLoader.Parse($"receivers:\n  postgresql: {{}}\nservice:\n  memory_limiter: {block}\n", "pgmetrics.yaml", _ => null);

        var error = Assert.Single(result.Errors);
        Assert.Equal((4, key), (error.Line, error.Key));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Above_the_soft_limit_a_check_runs_a_full_collection_and_below_it_none()
    {
        var resident = 100 * Mib;
        var limiter = new MemoryLimiter(() => new MemoryLimiterConfig { LimitMib = 150, SpikeLimitMib = 30 }, NullLogger.Instance, () => resident);

        Assert.False(limiter.Check());
        resident = 121 * Mib;
        var fullCollections = GC.CollectionCount(GC.MaxGeneration);
        Assert.True(limiter.Check());

        Assert.Equal(1, limiter.Collections);
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > fullCollections);
    }

    [Fact]
    public void When_a_collection_leaves_memory_above_the_soft_limit_the_next_waits_for_another_half_spike()
    {
        var resident = 130 * Mib;
        var limiter = new MemoryLimiter(() => new MemoryLimiterConfig { LimitMib = 150, SpikeLimitMib = 30 }, NullLogger.Instance, () => resident);

        Assert.True(limiter.Check());
        resident = 144 * Mib;
        Assert.False(limiter.Check());
        resident = 146 * Mib;
        Assert.True(limiter.Check());
        Assert.Equal(2, limiter.Collections);
    }

    [Fact]
    public void A_reload_that_turns_the_limiter_off_stops_its_collections()
    {
        var config = new MemoryLimiterConfig { LimitMib = 50 };
        var limiter = new MemoryLimiter(() => config, NullLogger.Instance, () => 200 * Mib);
        Assert.True(limiter.Check());

        config = MemoryLimiterConfig.Off;

        Assert.False(limiter.Check());
        Assert.Equal(1, limiter.Collections);
    }
}
