namespace PgMetrics.Exporter.Otlp.NewRelic;

/// <summary>New Relic's data regions, each with its own OTLP endpoint.</summary>
public enum NewRelicRegion
{
    /// <summary>The US region: <c>https://otlp.nr-data.net</c>.</summary>
    US,

    /// <summary>The EU region: <c>https://otlp.eu01.nr-data.net</c>.</summary>
    EU,

    /// <summary>FedRAMP-compliant US government data: <c>https://gov-otlp.nr-data.net</c>.</summary>
    FedRAMP,
}
