using Microsoft.Extensions.DependencyInjection;
using PgMetrics.Hosting.DependencyInjection;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Hosting;

/// <summary>Returned by <c>AddPgMetrics</c>, to add more to what PgMetrics collects.</summary>
public sealed class PgMetricsBuilder
{
    internal PgMetricsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The app's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Scrapes the app's own metric set (generated from its <c>metadata.yaml</c>, e.g. <c>ShopMetricSet</c>)
    /// beside the built-in catalogue, from every postgresql receiver, on the receiver's schedule and over its
    /// connections; its points go to the same exporters.
    /// </summary>
    /// <typeparam name="TMetricSet">The generated <c>&lt;Type&gt;MetricSet</c>.</typeparam>
    /// <param name="configure">Changes each new set before use, e.g. <c>set => set.Config.ShopRevenue.Enabled = false</c>.</param>
    /// <returns>This builder.</returns>
    public PgMetricsBuilder AddMetricSet<TMetricSet>(Action<TMetricSet>? configure = null)
        where TMetricSet : MetricSet, new()
    {
        Services.AddSingleton(new MetricSetRegistration(() =>
        {
            var set = new TMetricSet();
            configure?.Invoke(set);
            return set;
        }));
        return this;
    }
}
