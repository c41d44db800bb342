using System.IO.Hashing;
using System.Text;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// What the config watcher and the targets watcher share: folder watchers whose events are debounced (editors
/// write a file in several steps, Kubernetes swaps a ConfigMap through a renamed <c>..data</c> link), and a hash
/// of the watched files' names and content, so a touch or a no-op swap calls nothing back.
/// </summary>
internal sealed class FileChangeDetector : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private readonly Func<IReadOnlyList<string>> _files;
    private readonly Func<Task> _onChanged;
    private readonly Dictionary<string, FileSystemWatcher> _folders = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Timer? _debounce;
    private byte[] _lastHash = [];
    private bool _disposed;

    /// <summary>Creates a detector; nothing is watched until <see cref="Watch"/>.</summary>
    /// <param name="files">The files whose content counts, listed again at every check (a folder may gain files).</param>
    /// <param name="onChanged">Called after writes settle when the content differs from what was last seen.</param>
    public FileChangeDetector(Func<IReadOnlyList<string>> files, Func<Task> onChanged)
    {
        _files = files;
        _onChanged = onChanged;
    }

    /// <summary>Watches <paramref name="folders"/> from now on (others stop), taking the files' content now as the last seen.</summary>
    public void Watch(IEnumerable<string> folders)
    {
        var hash = Hash(_files());
        var wanted = folders.ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var gone in _folders.Keys.Where(f => !wanted.Contains(f)).ToList())
            {
                _folders[gone].Dispose();
                _folders.Remove(gone);
            }

            foreach (var folder in wanted.Where(f => !_folders.ContainsKey(f)))
            {
                _folders[folder] = WatchFolder(folder);
            }

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

            _debounce?.Dispose();
            _debounce = new Timer(_ => _ = CheckAsync(), null, Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task CheckAsync()
    {
        var hash = Hash(_files());
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

    // One hash over every file's path and content, so a change to any of them is seen. It only tells an edit
    // from a touch, so a fast non-cryptographic hash does: SHA-256 here loaded OpenSSL into every collector
    // (3.6 MiB resident) that otherwise never needs it.
    private static byte[] Hash(IReadOnlyList<string> files)
    {
        var hash = new XxHash128();
        foreach (var file in files)
        {
            hash.Append(Encoding.UTF8.GetBytes(file + "\n"));
            try
            {
                hash.Append(XxHash128.Hash(File.ReadAllBytes(file)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file being replaced may be missing for a moment; the reload then says what is wrong.
                hash.Append("(unreadable)"u8);
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
