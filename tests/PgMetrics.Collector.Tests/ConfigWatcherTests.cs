using PgMetrics.Collector.Hosting;

namespace PgMetrics.Collector.Tests;

/// <summary>The watcher calls back when the config's content changes, also when the file is replaced by a rename, and not for a rewrite of the same content.</summary>
public sealed class ConfigWatcherTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-watch-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_changed_file_and_a_file_replaced_by_rename_are_seen_and_the_same_content_is_not()
    {
        var path = Path.Combine(_directory, "pgmetrics.yaml");
        File.WriteAllText(path, "one");
        var changes = 0;
        using var watcher = new ConfigWatcher(path, () =>
        {
            Interlocked.Increment(ref changes);
            return Task.CompletedTask;
        });

        File.WriteAllText(path, "two");
        await WaitForAsync(() => Volatile.Read(ref changes) == 1);

        // What Kubernetes and many editors do: write elsewhere, then rename over the file.
        var replacement = Path.Combine(_directory, "next.tmp");
        File.WriteAllText(replacement, "three");
        File.Move(replacement, path, overwrite: true);
        await WaitForAsync(() => Volatile.Read(ref changes) == 2);

        File.WriteAllText(path, "three");
        File.WriteAllText(Path.Combine(_directory, "unrelated.txt"), "x");
        await Task.Delay(1_500, Cancel);
        Assert.Equal(2, Volatile.Read(ref changes));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the change was not seen within 20 s");
            await Task.Delay(50, Cancel);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
