using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Hosting;

/// <summary>
/// <c>service.memory_limiter: {limit_mib, spike_limit_mib, check_interval}</c>, named after the OpenTelemetry
/// Collector's memory_limiter processor and doing what its soft limit does: every <see cref="CheckInterval"/>
/// the collector compares its resident memory (RSS) with <see cref="LimitMib"/> − <see cref="SpikeLimitMib"/>
/// and, above it, runs a full, compacting garbage collection. Nothing is refused or dropped. Off unless
/// <c>limit_mib</c> is set; collector only (an app's process is the app's to manage).
/// </summary>
/// <remarks>
/// Why: .NET's garbage collector lets the oldest generation grow until its own budget says collect, and with
/// no memory pressure (no container limit) that budget is generous. A collector scraping a fleet promotes a
/// steady trickle of short-lived scrape data there, so its resident memory saws between what it uses and
/// about 1.5 times that. The limiter keeps the top of the saw near the limit (docs/scaling.md).
/// </remarks>
internal sealed record MemoryLimiterConfig
{
    /// <summary>The keys the block takes.</summary>
    internal static readonly string[] Keys = ["limit_mib", "spike_limit_mib", "check_interval"];

    /// <summary>No limiter.</summary>
    public static readonly MemoryLimiterConfig Off = new();

    /// <summary>The resident memory the collector aims to stay under, in MiB (<c>limit_mib</c>); 0 turns the limiter off.</summary>
    public int LimitMib { get; init; }

    /// <summary>
    /// Headroom below <see cref="LimitMib"/> for what one check interval may add, in MiB (<c>spike_limit_mib</c>);
    /// default 20 % of the limit, as the OpenTelemetry Collector's.
    /// </summary>
    public int SpikeLimitMib { get; init; }

    /// <summary>How often resident memory is read (<c>check_interval</c>). Default 1 second.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether the limiter runs.</summary>
    public bool Enabled => LimitMib > 0;

    /// <summary>Resident memory above which a collection runs: <see cref="LimitMib"/> − <see cref="SpikeLimitMib"/>, in bytes.</summary>
    public long SoftLimitBytes => (long)(LimitMib - SpikeLimitMib) * 1024 * 1024;

    /// <summary>Reads the block; absent means off.</summary>
    internal static MemoryLimiterConfig Read(ConfigSection section)
    {
        if (!section.Has("limit_mib"))
        {
            if (section.Has("spike_limit_mib") || section.Has("check_interval"))
            {
                section.Errors.Add(section.Child("limit_mib"), "memory_limiter needs limit_mib: the resident memory to stay under, in MiB", at: section.Path);
            }

            return Off;
        }

        var limit = section.Int("limit_mib", minimum: 1) ?? 0;
        var spike = section.Int("spike_limit_mib", minimum: 0) ?? limit / 5;
        if (spike >= limit && limit > 0)
        {
            section.Errors.Add(section.Child("spike_limit_mib"), $"spike_limit_mib ({spike}) must be less than limit_mib ({limit}): the soft limit is their difference");
        }

        return new MemoryLimiterConfig
        {
            LimitMib = limit,
            SpikeLimitMib = spike,
            CheckInterval = section.Duration("check_interval", positive: true) ?? Off.CheckInterval,
        };
    }
}
