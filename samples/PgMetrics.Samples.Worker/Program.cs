// A worker whose telemetry goes out through the OpenTelemetry .NET SDK: PgMetrics adds the server's
// metrics to its meter provider, and the SDK's OTLP exporter sends them with the rest. Point the exporter
// at New Relic with the SDK's own variables:
//   OTEL_EXPORTER_OTLP_ENDPOINT=https://otlp.nr-data.net  OTEL_EXPORTER_OTLP_HEADERS=api-key=<license key>
//   OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("pgmetrics-sample-worker"))
    .WithMetrics(metrics => metrics
        .AddPgMetricsInstrumentation(options =>
        {
            options.ConnectionString = builder.Configuration.GetConnectionString("Postgres");
            options.CollectionInterval = builder.Configuration.GetValue("PgMetrics:CollectionInterval", TimeSpan.FromSeconds(60));
        })
        .AddOtlpExporter());
builder.Logging.AddOpenTelemetry(logging => logging.AddOtlpExporter());

builder.Build().Run();
