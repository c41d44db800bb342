using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Interpreter;
using PgMetrics.Metadata.Model;
using PgMetrics.Metadata.Parsing;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Receivers.Postgresql;

/// <summary>
/// One file of a receiver's <c>metadata_files</c>: custom metrics and the queries they come from, in the
/// metadata.yaml schema the source generator reads, parsed by the same library. Its mistakes are reported
/// with the PGM ids, lines and columns <c>dotnet build</c> gives for the same file. It lives in the collector, not
/// beside the receiver factory in PgMetrics.Runtime, because the interpreter references the runtime.
/// </summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Key">The config key that lists it, e.g. <c>receivers.postgresql.metadata_files[0]</c>.</param>
/// <param name="Spec">The validated model.</param>
/// <param name="Locations">Where the file declares its metrics and queries, for messages about clashes.</param>
internal sealed record MetadataFile(string Path, string Key, MetadataSpec Spec, MetadataLocations Locations) : IMetricSetFile
{
    // The catalogue, the largest metadata.yaml there is, is 60 KB; a bound keeps a wrong path (a log, /dev/zero) from exhausting memory.
    private const int MaxCharacters = 4 * 1024 * 1024;

    private static readonly HashSet<string> BuiltInMetrics = new(PostgresqlMetricsConfig.MetricNames, StringComparer.Ordinal);
    private static readonly HashSet<string> BuiltInQueries = new(new PostgresqlMetricSet().Queries.Select(q => q.Name), StringComparer.Ordinal);

    /// <summary>Whether the file declares the metric <paramref name="name"/>.</summary>
    public bool DeclaresMetric(string name) => Spec.Metrics.Any(m => m.Name == name);

    /// <summary>Whether the file declares the resource attribute <paramref name="key"/>.</summary>
    public bool DeclaresResourceAttribute(string key) => Spec.ResourceAttributes.Any(a => a.Key == key);

    /// <summary>The file's metrics and queries, interpreted at run time.</summary>
    public MetricSet CreateMetricSet() => new InterpretedMetricSet(Spec);

    /// <summary>
    /// Reads the files listed under <paramref name="key"/> for receiver <paramref name="receiver"/>: each missing or
    /// unreadable file, each mistake in one, and each metric or query name declared twice goes to the
    /// section's errors, all at once; the files without mistakes come back.
    /// </summary>
    public static IReadOnlyList<IMetricSetFile> ReadAll(ConfigSection section, string key, string receiver)
    {
        var parsed = new List<(string Path, string Key, ParseResult Result)>();
        foreach (var (path, itemKey) in section.ExistingFileList(key))
        {
            var fullPath = System.IO.Path.GetFullPath(path);
            if (parsed.Any(p => p.Path == fullPath))
            {
                section.Errors.Add(itemKey, $"lists '{path}' a second time");
                continue;
            }

            string text;
            try
            {
                using var reader = new StreamReader(fullPath);
                var buffer = new char[MaxCharacters + 1];
                var read = reader.ReadBlock(buffer, 0, buffer.Length);
                if (read > MaxCharacters)
                {
                    section.Errors.Add(itemKey, $"'{path}' is longer than {MaxCharacters / (1024 * 1024)} MiB of text, which no metadata file is; is it the right file?");
                    continue;
                }

                text = new string(buffer, 0, read);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                section.Errors.Add(itemKey, $"cannot read '{path}': {ex.Message}");
                continue;
            }

            // The full path, as the compiler names an AdditionalFile, so the messages read the same.
            var result = MetadataParser.Parse(text, fullPath);
            foreach (var diagnostic in result.Diagnostics)
            {
                Report(section.Errors, diagnostic, itemKey);
            }

            parsed.Add((fullPath, itemKey, result));
        }

        // Checked on every file, those with mistakes too: their names are located all the same.
        for (var i = 0; i < parsed.Count; i++)
        {
            var earlier = parsed.Take(i).Select(p => p.Result.Locations).ToList();
            var (_, itemKey, result) = parsed[i];
            CheckUnique(result.Locations.Metrics, BuiltInMetrics, earlier.Select(l => l.Metrics), $"the metrics of receiver {receiver}", itemKey, section.Errors);
            CheckUnique(result.Locations.Queries, BuiltInQueries, earlier.Select(l => l.Queries), $"the queries of receiver {receiver}", itemKey, section.Errors);
        }

        return [.. parsed.Where(p => p.Result.Spec is not null).Select(p => new MetadataFile(p.Path, p.Key, p.Result.Spec!, p.Result.Locations))];
    }

    /// <summary>
    /// Reports each name that the built-in catalogue or an earlier file already declares, as PGM005 at the later
    /// declaration, naming the other place: two metrics of one name would merge into one series, and two
    /// queries of one name could not be told apart in a log line.
    /// </summary>
    private static void CheckUnique(IEnumerable<NameLocation> names, HashSet<string> builtIn, IEnumerable<IEnumerable<NameLocation>> earlierFiles, string where, string key, ConfigErrors errors)
    {
        foreach (var (name, span) in names)
        {
            var other = builtIn.Contains(name) ? "the built-in catalogue has it too (docs/metrics.md)"
                : earlierFiles.SelectMany(f => f).Where(l => l.Name == name).Select(l => (NameLocation?)l).FirstOrDefault() is { } first ? Place(first.Span) + " has it too"
                : null;
            if (other is not null)
            {
                Report(errors, new DiagnosticInfo(MetadataDiagnostics.DuplicateName, span, new[] { name, where + ": " + other }.ToImmutableEquatableArray()), key);
            }
        }
    }

    /// <summary>Reports a mistake found in a metadata file that <paramref name="key"/> names; it keeps the file's own place and PGM id.</summary>
    private static void Report(ConfigErrors errors, DiagnosticInfo diagnostic, string key)
        => errors.Add(
            diagnostic.Span.FilePath,
            diagnostic.Span.StartLine + 1,
            diagnostic.Span.StartColumn + 1,
            key,
            diagnostic.GetMessage(),
            new MetadataDiagnostic(diagnostic.Id, diagnostic.ToString()));

    // The compiler's form of a place, as in the diagnostics themselves.
    private static string Place(SourceSpan span) => $"{span.FilePath}({span.StartLine + 1},{span.StartColumn + 1})";
}
