using Microsoft.Extensions.Options;

namespace PgMetrics.Hosting.DependencyInjection;

/// <summary>
/// Checks <see cref="PgMetricsOptions"/> with the collector's own validation, so an app's configuration gets
/// the messages a <c>pgmetrics.yaml</c> does, each naming its configuration path. Run when the host starts
/// (<c>ValidateOnStart</c>), not at first use.
/// </summary>
internal sealed class PgMetricsOptionsValidator : IValidateOptions<PgMetricsOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, PgMetricsOptions options)
    {
        var problems = options.ReadErrors.Count > 0 ? options.ReadErrors : [.. ConfigReader.Validate(options.ToConfig(), requireExporter: true).Errors];
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.ToString()));
    }
}
