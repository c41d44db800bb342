using System.CommandLine;
using PgMetrics.Collector.Cli;

var root = new RootCommand("pgmetrics: collects PostgreSQL metrics and sends them over OTLP.")
{
    OnceCommand.Create(),
    RunCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
