using Microsoft.Extensions.Diagnostics.HealthChecks;
using PgMetrics.Hosting.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds PgMetrics' readiness to an app's health checks: <c>builder.Services.AddHealthChecks().AddPgMetricsHealthCheck()</c>.</summary>
public static class PgMetricsHealthChecksBuilderExtensions
{
    /// <summary>
    /// A health check that reports what the collector's <c>/readyz</c> does: healthy once every receiver's last
    /// scrape worked and no exporter's circuit is open; otherwise <paramref name="failureStatus"/>, described by
    /// the problems (e.g. <c>receiver postgresql: last scrape failed: …</c>). Needs <c>AddPgMetrics</c>.
    /// </summary>
    /// <param name="builder">The app's health checks.</param>
    /// <param name="name">The check's name. Default <c>pgmetrics</c>.</param>
    /// <param name="failureStatus">The status when not ready. Default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>ready</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">When the check runs: <c>AddPgMetrics</c> was not called.</exception>
    public static IHealthChecksBuilder AddPgMetricsHealthCheck(this IHealthChecksBuilder builder, string name = "pgmetrics", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
        => builder.Add(new HealthCheckRegistration(
            name,
            provider => new PgMetricsHealthCheck(provider.GetService<PgMetricsService>()
                ?? throw new InvalidOperationException("The PgMetrics health check needs PgMetrics: call services.AddPgMetrics(...) too.")),
            failureStatus,
            tags));
}
