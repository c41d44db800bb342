using System.CommandLine;
using PgMetrics.Runtime.Queries;

namespace PgMetrics.Collector.Cli;

/// <summary><c>pgmetrics fingerprint</c>: one SQL statement per line on stdin → fingerprint, tab, normalized text.</summary>
internal static class FingerprintCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var command = new Command("fingerprint", "Read SQL statements, one per line, on stdin and print <fingerprint><TAB><normalized text> for each; no literal value is printed.");
        command.SetAction(_ =>
        {
            string? line;
            while ((line = Console.In.ReadLine()) is not null)
            {
                Console.Out.WriteLine(QueryFingerprinter.Fingerprint(line).ToString());
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
