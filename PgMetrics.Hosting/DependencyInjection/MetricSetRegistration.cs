using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Hosting.DependencyInjection;

/// <summary>An app's own metric set, added with <c>AddMetricSet&lt;TMetricSet&gt;()</c>: every postgresql receiver scrapes one made by <paramref name="Create"/> beside the built-in catalogue.</summary>
internal sealed record MetricSetRegistration(Func<MetricSet> Create);
