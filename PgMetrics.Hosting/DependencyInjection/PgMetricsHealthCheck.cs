using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PgMetrics.Hosting.DependencyInjection;

/// <summary>
/// Reports what the collector's <c>/readyz</c> reports: healthy when every receiver's last scrape worked and
/// no exporter's circuit is open; otherwise the registration's failure status, with each problem as the
/// description and in the data (never a secret).
/// </summary>
internal sealed class PgMetricsHealthCheck(PgMetricsService service) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = service.ReadinessProblems;
        if (problems.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("ready"));
        }

        var data = problems.Select((problem, i) => (Key: "problem" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Value: (object)problem))
            .ToDictionary(p => p.Key, p => p.Value);
        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: data));
    }
}
