using PgMetrics.Collector.Hosting;
using PgMetrics.Hosting;

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
        using var watcher = new ConfigWatcher([path], () =>
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

    [Fact]
    public async Task A_Kubernetes_ConfigMap_update_is_seen_through_its_swapped_data_link()
    {
        // A mounted ConfigMap: the file is a link into ..data, itself a link to a timestamped folder;
        // an update writes a new folder and renames a new ..data link over the old one.
        Directory.CreateDirectory(Path.Combine(_directory, "..2026_11_30_a"));
        File.WriteAllText(Path.Combine(_directory, "..2026_11_30_a", "pgmetrics.yaml"), "one");
        File.CreateSymbolicLink(Path.Combine(_directory, "..data"), "..2026_11_30_a");
        var path = Path.Combine(_directory, "pgmetrics.yaml");
        File.CreateSymbolicLink(path, Path.Combine("..data", "pgmetrics.yaml"));
        var changes = 0;
        using var watcher = new ConfigWatcher([path], () =>
        {
            Interlocked.Increment(ref changes);
            return Task.CompletedTask;
        });

        Directory.CreateDirectory(Path.Combine(_directory, "..2026_11_30_b"));
        File.WriteAllText(Path.Combine(_directory, "..2026_11_30_b", "pgmetrics.yaml"), "two");
        File.CreateSymbolicLink(Path.Combine(_directory, "..data_tmp"), "..2026_11_30_b");
        // rename(2) over the old link, as the kubelet does; .NET's File.Move follows a link to a directory.
        using (var rename = System.Diagnostics.Process.Start("mv", ["-T", Path.Combine(_directory, "..data_tmp"), Path.Combine(_directory, "..data")]))
        {
            await rename.WaitForExitAsync(Cancel);
            Assert.Equal(0, rename.ExitCode);
        }

        await WaitForAsync(() => Volatile.Read(ref changes) == 1);
        Assert.Equal("two", File.ReadAllText(path));
    }

    [Fact]
    public async Task A_change_to_a_metadata_file_in_another_folder_is_seen_and_a_file_no_longer_named_is_not()
    {
        var config = Path.Combine(_directory, "pgmetrics.yaml");
        var metricsFolder = Directory.CreateDirectory(Path.Combine(_directory, "metrics")).FullName;
        var shop = Path.Combine(metricsFolder, "shop.yaml");
        var billing = Path.Combine(metricsFolder, "billing.yaml");
        File.WriteAllText(config, "config");
        File.WriteAllText(shop, "shop");
        File.WriteAllText(billing, "billing");
        var changes = 0;
        using var watcher = new ConfigWatcher([config, shop], () =>
        {
            Interlocked.Increment(ref changes);
            return Task.CompletedTask;
        });

        File.WriteAllText(shop, "shop, edited");
        await WaitForAsync(() => Volatile.Read(ref changes) == 1);

        // A reload that names billing.yaml instead: only its edits count from now on.
        watcher.Watch([config, billing]);
        File.WriteAllText(shop, "shop, edited again");
        await Task.Delay(1_500, Cancel);
        Assert.Equal(1, Volatile.Read(ref changes));
        File.WriteAllText(billing, "billing, edited");
        await WaitForAsync(() => Volatile.Read(ref changes) == 2);
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
