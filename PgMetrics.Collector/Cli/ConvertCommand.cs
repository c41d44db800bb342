using System.CommandLine;
using PgMetrics.Collector.Migration;
using PgMetrics.Metadata.Parsing;

namespace PgMetrics.Collector.Cli;

/// <summary>
/// <c>pgmetrics convert postgres-exporter queries.yaml [--output file]</c>: writes the metadata.yaml that
/// collects what a postgres_exporter queries file does, for the receiver's <c>metadata_files</c> (or an app's
/// generator). What does not convert is printed to stderr with its place; the rest is written all the same.
/// </summary>
internal static class ConvertCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var input = new Argument<FileInfo>("queries-file") { Description = "The postgres_exporter queries file (its --extend.query-path)." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the metadata.yaml; default: standard output." };
        var postgresExporter = new Command("postgres-exporter", "Convert a postgres_exporter queries.yaml to a metadata.yaml for metadata_files; print what does not convert, with its line.") { input, output };
        postgresExporter.SetAction(parse => Convert(parse.GetValue(input)!, parse.GetValue(output)));
        return new Command("convert", "Write a metadata.yaml from another tool's custom query file.") { postgresExporter };
    }

    private static int Convert(FileInfo input, FileInfo? output)
    {
        string text;
        try
        {
            text = File.ReadAllText(input.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot read {input}: {ex.Message}");
            return ExitCodes.BadUsage;
        }

        var (metadata, problems) = PostgresExporterConverter.Convert(text, input.ToString());
        foreach (var problem in problems)
        {
            Console.Error.WriteLine(problem.ToString());
        }

        if (metadata is null)
        {
            return ExitCodes.InvalidConfig;
        }

        var yaml = MetadataYamlWriter.Write(metadata);

        // The output goes through the one parser before it is written: a file the collector would reject is never produced.
        var check = MetadataParser.Parse(yaml, output?.ToString() ?? "(output)");
        foreach (var diagnostic in check.Diagnostics)
        {
            Console.Error.WriteLine(diagnostic.ToString());
        }

        if (check.Spec is null)
        {
            return ExitCodes.InvalidConfig;
        }

        if (output is null)
        {
            Console.Out.Write(yaml);
        }
        else
        {
            try
            {
                File.WriteAllText(output.FullName, yaml);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: cannot write {output}: {ex.Message}");
                return ExitCodes.BadUsage;
            }

            Console.Error.WriteLine($"{output}: {metadata.Metrics.Count} metrics from {metadata.Queries.Count} queries; {problems.Count} not converted (above)");
        }

        return ExitCodes.Success;
    }
}
