namespace PgMetrics.Collector.Hosting;

/// <summary>
/// Calls back when the content of the config file, or of a file it names (a receiver's <c>metadata_files</c>),
/// changes. It watches the files' folders rather than the files, because editors replace files and
/// Kubernetes swaps a ConfigMap's files through a renamed symlink; it waits for writes to settle, and
/// compares content, so a touch or a no-op swap reloads nothing.
/// </summary>
internal sealed class ConfigWatcher : IDisposable
{
    private readonly FileChangeDetector _detector;
    private readonly Lock _gate = new();
    private IReadOnlyList<string> _paths = [];

    /// <summary>Starts watching <paramref name="paths"/>.</summary>
    public ConfigWatcher(IEnumerable<string> paths, Func<Task> onChanged)
    {
        _detector = new FileChangeDetector(() => Paths, onChanged);
        Watch(paths);
    }

    /// <summary>The files watched, as full paths.</summary>
    public IReadOnlyList<string> Paths
    {
        get
        {
            lock (_gate)
            {
                return _paths;
            }
        }
    }

    /// <summary>Watches <paramref name="paths"/> from now on, taking their current content as the last seen (a reload may name other files).</summary>
    public void Watch(IEnumerable<string> paths)
    {
        var fullPaths = paths.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        lock (_gate)
        {
            _paths = fullPaths;
        }

        _detector.Watch(fullPaths.Select(p => Path.GetDirectoryName(p)!));
    }

    /// <inheritdoc/>
    public void Dispose() => _detector.Dispose();
}
