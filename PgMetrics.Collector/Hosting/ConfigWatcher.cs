using System.Security.Cryptography;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// Calls back when the config file's content changes. It watches the file's folder rather than the file,
/// because editors replace files and Kubernetes swaps a ConfigMap's files through a renamed symlink; it
/// waits for writes to settle, and compares content, so a touch or a no-op swap reloads nothing.
/// </summary>
internal sealed class ConfigWatcher : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private readonly string _path;
    private readonly Func<Task> _onChanged;
    private readonly FileSystemWatcher _watcher;
    private readonly Lock _gate = new();
    private Timer? _debounce;
    private byte[] _lastHash;

    /// <summary>Starts watching <paramref name="path"/>.</summary>
    public ConfigWatcher(string path, Func<Task> onChanged)
    {
        _path = Path.GetFullPath(path);
        _onChanged = onChanged;
        _lastHash = Hash();
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.Deleted += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
    }

    private void Schedule()
    {
        lock (_gate)
        {
            // Editors write a file in several steps; act once they are done.
            _debounce?.Dispose();
            _debounce = new Timer(_ => _ = CheckAsync(), null, Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task CheckAsync()
    {
        var hash = Hash();
        lock (_gate)
        {
            if (hash.AsSpan().SequenceEqual(_lastHash))
            {
                return;
            }

            _lastHash = hash;
        }

        await _onChanged().ConfigureAwait(false);
    }

    private byte[] Hash()
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(_path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file being replaced may be missing for a moment; the reload then says what is wrong.
            return [];
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _watcher.Dispose();
        lock (_gate)
        {
            _debounce?.Dispose();
        }
    }
}
