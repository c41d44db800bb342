using System.Security.Cryptography;
using System.Text;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// Calls back when the content of the config file, or of a file it names (a receiver's <c>metadata_files</c>),
/// changes. It watches the files' folders rather than the files, because editors replace files and
/// Kubernetes swaps a ConfigMap's files through a renamed symlink; it waits for writes to settle, and
/// compares content, so a touch or a no-op swap reloads nothing.
/// </summary>
internal sealed class ConfigWatcher : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private readonly Func<Task> _onChanged;
    private readonly Dictionary<string, FileSystemWatcher> _folders = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private IReadOnlyList<string> _paths = [];
    private Timer? _debounce;
    private byte[] _lastHash = [];
    private bool _disposed;

    /// <summary>Starts watching <paramref name="paths"/>.</summary>
    public ConfigWatcher(IEnumerable<string> paths, Func<Task> onChanged)
    {
        _onChanged = onChanged;
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
        var hash = Hash(fullPaths);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var folders = fullPaths.Select(p => Path.GetDirectoryName(p)!).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _folders.Keys.Where(f => !folders.Contains(f)).ToList())
            {
                _folders[gone].Dispose();
                _folders.Remove(gone);
            }

            foreach (var folder in folders.Where(f => !_folders.ContainsKey(f)))
            {
                _folders[folder] = WatchFolder(folder);
            }

            _paths = fullPaths;
            _lastHash = hash;
        }
    }

    private FileSystemWatcher WatchFolder(string folder)
    {
        var watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => Schedule();
        watcher.Created += (_, _) => Schedule();
        watcher.Renamed += (_, _) => Schedule();
        watcher.Deleted += (_, _) => Schedule();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void Schedule()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Editors write a file in several steps; act once they are done.
            _debounce?.Dispose();
            _debounce = new Timer(_ => _ = CheckAsync(), null, Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task CheckAsync()
    {
        var hash = Hash(Paths);
        lock (_gate)
        {
            if (_disposed || hash.AsSpan().SequenceEqual(_lastHash))
            {
                return;
            }

            _lastHash = hash;
        }

        await _onChanged().ConfigureAwait(false);
    }

    // One hash over every file's path and content, so a change to any of them is seen.
    private static byte[] Hash(IReadOnlyList<string> paths)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\n"));
            try
            {
                hash.AppendData(SHA256.HashData(File.ReadAllBytes(path)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file being replaced may be missing for a moment; the reload then says what is wrong.
                hash.AppendData("(unreadable)"u8);
            }
        }

        return hash.GetHashAndReset();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var watcher in _folders.Values)
            {
                watcher.Dispose();
            }

            _folders.Clear();
            _debounce?.Dispose();
        }
    }
}
