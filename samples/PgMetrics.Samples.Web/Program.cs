// PgMetrics in an ASP.NET Core app: scrapes the server in appsettings.json ("PgMetrics" section, the
// collector's keys) plus this app's own metrics from metadata.yaml, sends them to New Relic, and reports
// its readiness at /health.
using PgMetrics.Samples.Web.Metadata;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPgMetrics(builder.Configuration.GetSection("PgMetrics"))
    .AddMetricSet<SampleMetricSet>();
builder.Services.AddHealthChecks().AddPgMetricsHealthCheck();

var app = builder.Build();
app.MapHealthChecks("/health");
app.MapGet("/", () => "PgMetrics sample: GET /health says whether the last scrape and export worked.");
app.Run();
