using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>
/// One version from git tags (MinVer, Directory.Build.props): what the binary prints, and what a tag, a commit
/// after it, and a tree without git make of it, checked in throwaway clones of this commit with MSBuild.
/// </summary>
public sealed class VersionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pgmetrics-version-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_collector_prints_the_version_MinVer_computes_for_this_checkout_and_the_commit_of_HEAD()
    {
        var head = await GitAsync(Repository.Root, "rev-parse", "HEAD");
        var minVer = await MinVerVersionAsync(Repository.Root);

        var result = await Command.RunAsync("dotnet", [Repository.CollectorDll, "--version"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{minVer}+{head}", result.Output.Trim());
    }

    [Fact]
    public async Task A_release_tag_is_the_version_and_a_commit_after_it_is_the_next_patch_pre_release()
    {
        var clone = await CloneAsync();

        await GitAsync(clone, "tag", "-a", "v7.8.9", "-m", "PgMetrics 7.8.9");
        var tagged = await MinVerVersionAsync(clone);
        await GitAsync(clone, "commit", "--allow-empty", "-m", "after the release");
        await GitAsync(clone, "commit", "--allow-empty", "-m", "and another");
        var after = await MinVerVersionAsync(clone);

        Assert.Equal("7.8.9", tagged);
        Assert.Equal("7.8.10-alpha.0.2", after);
    }

    [Fact]
    public async Task A_tag_without_the_v_prefix_is_not_a_release()
    {
        var clone = await CloneAsync();

        await GitAsync(clone, "tag", "7.8.9");
        var version = await MinVerVersionAsync(clone);

        Assert.StartsWith("0.", version, StringComparison.Ordinal);
        Assert.Contains("-alpha.0.", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_git_the_version_is_PGMETRICS_VERSION_or_a_local_pre_release()
    {
        // A source tree as `git archive` exports it: the build files and one project, no .git.
        var tree = Path.Combine(_folder, "tree");
        Directory.CreateDirectory(tree);
        var archive = Path.Combine(_folder, "tree.tar");
        await GitAsync(Repository.Root, "archive", "--output", archive, "HEAD", "Directory.Build.props", "Directory.Packages.props", "nuget.config", "PgMetrics.Metadata");
        var unpacked = await Command.RunAsync("tar", ["-xf", archive, "-C", tree]);
        Assert.True(unpacked.ExitCode == 0, unpacked.ToString());

        var local = await MSBuildVersionAsync(tree, new Dictionary<string, string>());
        var given = await MSBuildVersionAsync(tree, new Dictionary<string, string> { ["PGMETRICS_VERSION"] = "2.3.4" });

        Assert.Equal("0.1.0-local", local);
        Assert.Equal("2.3.4", given);
    }

    /// <summary>A clone of this commit (its whole history, no tags), with an identity to commit as.</summary>
    private async Task<string> CloneAsync()
    {
        var clone = Path.Combine(_folder, "clone");
        var head = await GitAsync(Repository.Root, "rev-parse", "HEAD");
        await GitAsync(_folder, "clone", "--quiet", "--no-checkout", "--no-tags", Repository.Root, clone);
        await GitAsync(clone, "checkout", "--quiet", head);
        foreach (var tag in (await GitAsync(clone, "tag", "--list")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await GitAsync(clone, "tag", "--delete", tag);
        }

        await GitAsync(clone, "config", "user.name", "PgMetrics tests");
        await GitAsync(clone, "config", "user.email", "tests@pgmetrics.invalid");
        return clone;
    }

    /// <summary>The version MinVer computes for the checkout in <paramref name="root"/> (its MSBuild target, on the smallest project).</summary>
    private static async Task<string> MinVerVersionAsync(string root)
    {
        var result = await Command.RunAsync("dotnet", ["msbuild", Path.Combine(root, "PgMetrics.Metadata", "PgMetrics.Metadata.csproj"), "-restore", "-nologo", "-t:MinVer", "-getProperty:MinVerVersion", "-p:Configuration=Release"], timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        // One property asked for is printed alone, on the last line (restore may print lines before it).
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
    }

    /// <summary>The Version a project of <paramref name="root"/> evaluates to, with <paramref name="environment"/> set.</summary>
    private static async Task<string> MSBuildVersionAsync(string root, Dictionary<string, string> environment)
    {
        var result = await Command.RunAsync("dotnet", ["msbuild", Path.Combine(root, "PgMetrics.Metadata", "PgMetrics.Metadata.csproj"), "-nologo", "-getProperty:Version"], environment, timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output.Trim();
    }

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var result = await Command.RunAsync("git", ["-C", directory, .. arguments]);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)}: {result}");
        return result.Output.Trim();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
