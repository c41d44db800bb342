using PgMetrics.Collector.Hosting;

namespace PgMetrics.Collector.Targets;

/// <summary>
/// Calls back when a targets file, or the YAML files of a targets folder, change in content. Like the config
/// watcher it watches the folder, not the file, because editors replace files and Kubernetes swaps a
/// ConfigMap's files through a renamed <c>..data</c> symlink; it waits for writes to settle and compares
/// content (names and bytes of every file), so a touch reloads nothing.
/// </summary>
internal sealed class TargetsWatcher : IDisposable
{
    private readonly FileChangeDetector _detector;

    /// <summary>Starts watching <paramref name="path"/>, a file or a folder, taking its content now as seen.</summary>
    public TargetsWatcher(string path, Func<Task> onChanged)
    {
        var fullPath = Path.GetFullPath(path);
        _detector = new FileChangeDetector(() => FilesOf(fullPath), onChanged);
        _detector.Watch([Directory.Exists(fullPath) ? fullPath : Path.GetDirectoryName(fullPath)!]);
    }

    // A folder being replaced may be missing for a moment: its path then hashes as unreadable, and the reload says what is wrong.
    private static IReadOnlyList<string> FilesOf(string path)
    {
        try
        {
            return TargetsFiles.Of(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [path];
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _detector.Dispose();
}
