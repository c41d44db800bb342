namespace PgMetrics.Collector.Targets;

/// <summary>The files a <c>targets_file</c> path names.</summary>
internal static class TargetsFiles
{
    /// <summary>
    /// The file itself, or a folder's <c>.yaml</c>/<c>.yml</c> files in name order; hidden names are skipped,
    /// such as the <c>..data</c> entries a mounted ConfigMap has beside its files.
    /// </summary>
    public static IReadOnlyList<string> Of(string path)
        => Directory.Exists(path)
            ? [.. Directory.EnumerateFiles(path)
                .Where(f => !Path.GetFileName(f).StartsWith('.') && (f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal)]
            : [path];
}
