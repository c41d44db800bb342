using System.CommandLine;
using PgMetrics.Collector.Cli;

var root = new RootCommand("pgmetrics: collects PostgreSQL metrics and sends them over OTLP.")
{
    RunCommand.Create(),
    TopCommand.Create(),
    OnceCommand.Create(),
    ValidateCommand.Create(),
    TargetsCommand.Create(),
    FingerprintCommand.Create(),
    ConvertCommand.Create(),
};

// run handles SIGTERM, SIGINT and SIGHUP itself: a first signal drains, a second exits at once.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
