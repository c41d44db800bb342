using System.CommandLine;
using PgMetrics.Collector.Cli;
using PgMetrics.Collector.Hosting;

// Before the runtime's threads make more of glibc's arenas (NativeHeap says why).
NativeHeap.LimitArenas();

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
