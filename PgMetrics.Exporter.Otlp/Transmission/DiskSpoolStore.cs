using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// Keeps queued request bodies as files in a spool folder, so data waiting for an unreachable
/// endpoint survives a collector restart and is sent, in order, when the endpoint is back. Files are
/// written under a temporary name and renamed, so a crash never leaves a half-written request. When the
/// disk refuses a write (full, or over a file-size limit) the request is kept in memory instead, within the
/// queue's bound, and sent like the rest: a full disk costs the restart-safety of the newest requests, not
/// the requests themselves.
/// </summary>
internal sealed class DiskSpoolStore : IPayloadStore
{
    private const string Extension = ".otlp";
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte[]> _heldInMemory = new(StringComparer.Ordinal);
    private int _diskRefusing;

    /// <summary>Uses (and creates) <paramref name="directory"/>; leftovers of an interrupted write are removed.</summary>
    /// <param name="logger">Where a refused write (and the disk taking writes again) is reported, once per change.</param>
    public DiskSpoolStore(string directory, ILogger? logger = null)
    {
        _directory = directory;
        _logger = logger ?? NullLogger.Instance;
        Directory.CreateDirectory(directory);
        foreach (var partial in Directory.EnumerateFiles(directory, "*.tmp"))
        {
            File.Delete(partial);
        }
    }

    public IReadOnlyList<ExportItem> Recover()
    {
        var items = new List<ExportItem>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            // Name: <id>~<points>.otlp
            var name = Path.GetFileNameWithoutExtension(path);
            var separator = name.LastIndexOf('~');
            if (separator <= 0 || !int.TryParse(name.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var points))
            {
                continue;
            }

            var info = new FileInfo(path);
            items.Add(new ExportItem(name[..separator], points, (int)info.Length, info.LastWriteTimeUtc));
        }

        return items.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Requests the disk refused, waiting in memory.</summary>
    public int HeldInMemory => _heldInMemory.Count;

    public void Save(ExportItem item, byte[] payload)
    {
        var path = PathOf(item);
        var temporary = path + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, payload);
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException ex)
        {
            // ENOSPC, EFBIG, EDQUOT and the like; a half-written temporary file must not take the space the next write needs.
            TryDelete(temporary);
            _heldInMemory[item.Id] = payload;
            if (Interlocked.Exchange(ref _diskRefusing, 1) == 0)
            {
                ExporterLog.SpoolWriteFailed(_logger, _directory, ex.Message);
            }

            return;
        }

        if (Interlocked.Exchange(ref _diskRefusing, 0) == 1)
        {
            ExporterLog.SpoolWritesAgain(_logger, _directory, _heldInMemory.Count);
        }
    }

    public byte[] Load(ExportItem item) => _heldInMemory.TryGetValue(item.Id, out var payload) ? payload : File.ReadAllBytes(PathOf(item));

    public void Delete(ExportItem item)
    {
        if (!_heldInMemory.TryRemove(item.Id, out _))
        {
            File.Delete(PathOf(item));
        }
    }

    public void Dispose()
    {
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Recover() removes what is left at the next start.
        }
    }

    private string PathOf(ExportItem item) => Path.Combine(_directory, item.Id + "~" + item.Points.ToString(CultureInfo.InvariantCulture) + Extension);
}
