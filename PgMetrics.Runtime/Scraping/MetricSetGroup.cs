using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Several metric sets scraped as one: their metrics and queries side by side, each switch found in the
/// set that declares it. The collector scrapes a receiver's <c>metadata_files</c> this way, beside the
/// catalogue. The server's identity (<c>server.address</c>, <c>server.port</c>, <c>service.instance.id</c>) follows
/// the sets' own declarations first and <see cref="IdentitySource"/>'s switches otherwise, so points from two
/// servers never merge even when the files declare no such attribute.
/// </summary>
public sealed class MetricSetGroup : MetricSet
{
    private readonly IReadOnlyList<MetricSet> _sets;

    /// <summary>Groups <paramref name="sets"/>; their metric names must differ (the collector checks that when it reads the files).</summary>
    /// <param name="type">What the group is called, e.g. <c>custom</c>.</param>
    /// <param name="sets">The sets, in the order their queries run.</param>
    /// <param name="serverIdentity">Whose <c>server.address</c>, <c>server.port</c> and <c>service.instance.id</c> switches apply when no set declares them, usually the receiver's catalogue; null for none.</param>
    public MetricSetGroup(string type, IReadOnlyList<MetricSet> sets, MetricSet? serverIdentity)
    {
        Type = type;
        _sets = sets;
        IdentitySource = serverIdentity;
        Metrics = [.. sets.SelectMany(s => s.Metrics)];
        Queries = [.. sets.SelectMany(s => s.Queries)];
    }

    /// <summary>The set whose server identity switches apply when no grouped set declares the attribute.</summary>
    public MetricSet? IdentitySource { get; }

    /// <summary>The grouped sets, in order.</summary>
    public IReadOnlyList<MetricSet> Sets => _sets;

    /// <inheritdoc/>
    public override string Type { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDescriptor> Metrics { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricQuery> Queries { get; }

    /// <inheritdoc/>
    public override MetricConfig? FindMetric(string metricName)
    {
        foreach (var set in _sets)
        {
            if (set.FindMetric(metricName) is { } config)
            {
                return config;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override ResourceAttributeConfig? FindResourceAttribute(string attributeName)
    {
        foreach (var set in _sets)
        {
            if (set.FindResourceAttribute(attributeName) is { } config)
            {
                return config;
            }
        }

        return attributeName is ServerIdentity.ServerAddressAttribute or ServerIdentity.ServerPortAttribute or ServerIdentity.ServiceInstanceIdAttribute
            ? IdentitySource?.FindResourceAttribute(attributeName)
            : null;
    }
}
