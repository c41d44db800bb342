using System.Globalization;

namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// Keeps queued request bodies as files in a spool folder, so data waiting for an unreachable
/// endpoint survives a collector restart and is sent, in order, when the endpoint is back. Files are
/// written under a temporary name and renamed, so a crash never leaves a half-written request.
/// </summary>
internal sealed class DiskSpoolStore : IPayloadStore
{
    private const string Extension = ".otlp";
    private readonly string _directory;

    /// <summary>Uses (and creates) <paramref name="directory"/>; leftovers of an interrupted write are removed.</summary>
    public DiskSpoolStore(string directory)
    {
        _directory = directory;
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

    public void Save(ExportItem item, byte[] payload)
    {
        var path = PathOf(item);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, payload);
        File.Move(temporary, path, overwrite: true);
    }

    public byte[] Load(ExportItem item) => File.ReadAllBytes(PathOf(item));

    public void Delete(ExportItem item) => File.Delete(PathOf(item));

    public void Dispose()
    {
    }

    private string PathOf(ExportItem item) => Path.Combine(_directory, item.Id + "~" + item.Points.ToString(CultureInfo.InvariantCulture) + Extension);
}
