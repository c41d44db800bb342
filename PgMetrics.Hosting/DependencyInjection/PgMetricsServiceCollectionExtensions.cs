using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PgMetrics.Hosting;
using PgMetrics.Hosting.DependencyInjection;
using PgMetrics.Runtime.Configuration;

// Where .NET developers look for registration extensions, as Npgsql and the OpenTelemetry packages do.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers PgMetrics in an app's generic host: <c>builder.Services.AddPgMetrics(builder.Configuration.GetSection("PgMetrics"))</c>.</summary>
public static class PgMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Runs PgMetrics' receivers, processors and exporters as a hosted service, set up from .NET configuration
    /// with the collector's keys and meanings: <c>Receivers</c> (e.g. <c>postgresql</c>: <c>endpoint</c>,
    /// <c>username</c>, <c>collection_interval</c>…), <c>Exporters</c> (<c>newrelic</c>, <c>otlp</c>) and
    /// <c>Service</c> (<c>exporters</c>, <c>shutdown_timeout</c>). Keys may be written as in YAML
    /// (<c>collection_interval</c>) or in .NET style (<c>CollectionInterval</c>); durations as <c>10s</c>,
    /// <c>1m30s</c>; <c>${env:VAR}</c> and <c>${file:path}</c> are expanded. The configuration is checked when
    /// the host starts, and a mistake stops the start with an <see cref="OptionsValidationException"/> naming
    /// each configuration path and what to write, as <c>pgmetrics validate</c> would.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configuration">The section, e.g. <c>builder.Configuration.GetSection("PgMetrics")</c>.</param>
    /// <returns>A builder to add the app's own metric sets with.</returns>
    public static PgMetricsBuilder AddPgMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PgMetricsOptions>().Configure(options => Read(configuration, options));
        return AddCore(services);
    }

    /// <summary>
    /// Runs PgMetrics' receivers, processors and exporters as a hosted service, set up in code: add
    /// <c>PostgresqlReceiverConfig</c>s and exporter configs (<c>NewRelicExporterConfig</c>,
    /// <c>OtlpExporterConfig</c>) to the options. They are checked when the host starts, with the messages the
    /// collector gives for the same mistakes in a config file.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Fills the options.</param>
    /// <returns>A builder to add the app's own metric sets with.</returns>
    public static PgMetricsBuilder AddPgMetrics(this IServiceCollection services, Action<PgMetricsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PgMetricsOptions>().Configure(configure);
        return AddCore(services);
    }

    private static PgMetricsBuilder AddCore(IServiceCollection services)
    {
        services.AddOptions<PgMetricsOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PgMetricsOptions>, PgMetricsOptionsValidator>());
        if (!services.Any(d => d.ServiceType == typeof(PgMetricsService)))
        {
            services.AddSingleton<PgMetricsService>();
            services.AddHostedService(provider => provider.GetRequiredService<PgMetricsService>());
        }

        return new PgMetricsBuilder(services);
    }

    private static void Read(IConfiguration configuration, PgMetricsOptions options)
    {
        var source = (configuration as IConfigurationSection)?.Path is { Length: > 0 } path ? path : "configuration";
        var result = ConfigReader.Read(
            new ConfigurationNode(configuration),
            new ConfigErrors(source),
            source,
            ComponentFactories.Default,
            Environment.GetEnvironmentVariable,
            defaultExporters: null,
            ServiceConfig.AppKeys);
        options.Source = source;
        options.ReadErrors.AddRange(result.Errors);
        if (result.Config is { } config)
        {
            foreach (var receiver in config.Receivers)
            {
                options.Receivers.Add(receiver);
            }

            foreach (var exporter in config.Exporters)
            {
                options.Exporters.Add(exporter);
            }

            options.Service = config.Service;
        }
    }
}
