using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// Keeps queued request bodies (compressed, as they go on the wire) as files in a spool folder, so data waiting for an unreachable
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
        // A list taken first: an earlier release's files are renamed as they are read.
        foreach (var path in Directory.GetFiles(_directory, "*" + Extension))
        {
            var info = new FileInfo(path);
            if (ItemOf(Path.GetFileNameWithoutExtension(path), (int)info.Length, info.LastWriteTimeUtc) is { } item)
            {
                // An earlier release's name is renamed to this one's, which is where Load and Delete look.
                if (PathOf(item) is var current && current != path)
                {
                    File.Move(path, current, overwrite: true);
                }

                items.Add(item);
            }
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

    // Name: <id>~<points>~<request bytes>~<compression>.otlp. An earlier release's <id>~<points>.otlp holds
    // an uncompressed request, and is sent as one.
    private string PathOf(ExportItem item)
        => Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"{item.Id}~{item.Points}~{item.RequestBytes}~{OtlpCompressionNames.Name(item.Compression)}{Extension}"));

    private static ExportItem? ItemOf(string name, int length, DateTime writtenAt)
    {
        var parts = name.Split('~');
        if (parts.Length is not (2 or 4) || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var points))
        {
            return null;
        }

        if (parts.Length == 2)
        {
            return new ExportItem(parts[0], points, length, length, OtlpCompression.None, writtenAt);
        }

        return int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var requestBytes) && OtlpCompressionNames.Parse(parts[3]) is { } compression
            ? new ExportItem(parts[0], points, length, requestBytes, compression, writtenAt)
            : null;
    }
}
