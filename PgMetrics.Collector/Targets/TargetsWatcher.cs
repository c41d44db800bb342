using System.Security.Cryptography;
using System.Text;

namespace PgMetrics.Collector.Targets;

/// <summary>
/// Calls back when a targets file, or the YAML files of a targets folder, change in content. Like the config
/// watcher it watches the folder, not the file, because editors replace files and Kubernetes swaps a
/// ConfigMap's files through a renamed <c>..data</c> symlink; it waits for writes to settle and compares
/// content (names and bytes of every file), so a touch reloads nothing.
/// </summary>
internal sealed class TargetsWatcher : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private readonly string _path;
    private readonly Func<Task> _onChanged;
    private readonly FileSystemWatcher _watcher;
    private readonly Lock _gate = new();
    private Timer? _debounce;
    private byte[] _lastHash;
    private bool _disposed;

    /// <summary>Starts watching <paramref name="path"/>, a file or a folder, taking its content now as seen.</summary>
    public TargetsWatcher(string path, Func<Task> onChanged)
    {
        _path = Path.GetFullPath(path);
        _onChanged = onChanged;
        _lastHash = Hash();
        var folder = Directory.Exists(_path) ? _path : Path.GetDirectoryName(_path)!;
        _watcher = new FileSystemWatcher(folder)
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
        var hash = Hash();
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

    private byte[] Hash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            foreach (var file in TargetsFiles.Of(_path))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
                hash.AppendData(SHA256.HashData(File.ReadAllBytes(file)));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file being replaced may be missing for a moment; the reload then says what is wrong.
            hash.AppendData("(unreadable)"u8);
        }

        return hash.GetHashAndReset();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _watcher.Dispose();
        lock (_gate)
        {
            _disposed = true;
            _debounce?.Dispose();
        }
    }
}
