using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Exporter.Otlp.Configuration;
using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Exporter.Otlp.NewRelic;

/// <summary>Makes <c>newrelic</c> exporters: OTLP/HTTP to New Relic's endpoint for the region, deltas unless told otherwise.</summary>
internal sealed class NewRelicExporterFactory : IExporterFactory
{
    private static readonly string[] Keys = ["region", "endpoint", "api_key", .. OtlpExportSettings.Keys];
    private static readonly (string, NewRelicRegion)[] Regions = [("US", NewRelicRegion.US), ("EU", NewRelicRegion.EU), ("FedRAMP", NewRelicRegion.FedRAMP)];

    /// <inheritdoc/>
    public string Type => "newrelic";

    /// <inheritdoc/>
    public ExporterConfig Read(string name, ConfigBlock block)
    {
        var section = block.Read(Keys);
        return new NewRelicExporterConfig
        {
            Name = name,
            Region = section.Choice("region", Regions) ?? NewRelicRegion.US,
            Endpoint = section.Url("endpoint"),
            ApiKey = section.Has("api_key") ? ReadApiKey(section) : block.Environment(NewRelicEndpoints.LicenseKeyVariable),
            Settings = OtlpExportSettings.Read(section),
        };
    }

    /// <summary>
    /// The key as given: an empty string when it was given but cannot be used (the reason is already
    /// reported), so validation does not report it missing a second time.
    /// </summary>
    private static string ReadApiKey(ConfigSection section)
    {
        var key = section.Text("api_key");
        if (key is { Length: 0 })
        {
            section.Errors.Add(section.Child("api_key"), "is empty; give the license key, e.g. ${env:" + NewRelicEndpoints.LicenseKeyVariable + "}");
        }

        return key ?? string.Empty;
    }

    /// <inheritdoc/>
    public (IExporter Exporter, IReadOnlyList<IMetricsProcessor> Processors) Create(ExporterConfig config, ExporterState state, ILoggerFactory loggerFactory)
    {
        var newRelic = (NewRelicExporterConfig)config;
        var destination = NewRelicEndpoints.Options(newRelic.ApiKey!, newRelic.Region) with { Name = newRelic.Name };
        if (newRelic.Endpoint is { } endpoint)
        {
            destination = destination with { Endpoint = endpoint };
        }

        return newRelic.Settings.Create(destination, AggregationTemporality.Delta, state, loggerFactory.CreateLogger("pgmetrics.exporter." + newRelic.Name));
    }
}
