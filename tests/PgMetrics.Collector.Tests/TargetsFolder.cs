namespace PgMetrics.Collector.Tests;

/// <summary>A temporary folder holding a config and its targets files; deleted when disposed.</summary>
internal sealed class TargetsFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("pgmetrics-targets-").FullName;

    public string Write(string name, string text)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
