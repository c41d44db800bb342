using System.Text.Json;

namespace PgMetrics.Deployment.Tests.Infrastructure;

/// <summary>
/// The image the build wrote (artifacts/pgmetrics-image.oci.tar), unpacked as a container runtime
/// would: the OCI layout's index, manifest and config, and its layers applied in order into one root
/// file system. Unpacked once per test run, on first use; deleted at the end.
/// </summary>
public sealed class ImageRoot : IAsyncDisposable
{
    public static string ArchivePath => Repository.PathOf("artifacts/pgmetrics-image.oci.tar");

    private readonly Lazy<Task<Unpacked>> _unpacked = new(UnpackAsync);

    /// <param name="Files">The regular files the layers hold, as absolute paths inside the image.</param>
    public sealed record Unpacked(string Folder, string RootFileSystem, JsonElement Config, long CompressedBytes, IReadOnlyList<string> Files);

    /// <summary>The unpacked image; fails with how to build it when the archive is missing.</summary>
    public Task<Unpacked> GetAsync()
    {
        // Built as root, unpacked with its owners and modes as root: the image tests run as root.
        ContainerRun.RequireRoot();
        if (!File.Exists(ArchivePath))
        {
            Assert.Fail($"{ArchivePath} is missing: run ./build.sh --target=Image (as root, with buildah; the Test target does this).");
        }

        return _unpacked.Value;
    }

    private static async Task<Unpacked> UnpackAsync()
    {
        var folder = Directory.CreateTempSubdirectory("pgmetrics-image-").FullName;
        var layout = Path.Combine(folder, "oci");
        var root = Path.Combine(folder, "rootfs");
        Directory.CreateDirectory(layout);
        Directory.CreateDirectory(root);
        await Run("tar", "-xf", ArchivePath, "-C", layout);

        var index = ReadJson(layout, "index.json");
        var manifest = ReadJson(layout, Blob(index.GetProperty("manifests")[0]));
        var config = ReadJson(layout, Blob(manifest.GetProperty("config")));
        long compressed = 0;
        var entries = new List<string>();
        foreach (var layer in manifest.GetProperty("layers").EnumerateArray())
        {
            Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", layer.GetProperty("mediaType").GetString());
            compressed += layer.GetProperty("size").GetInt64();
            var layerFile = Path.Combine(layout, Blob(layer));
            var listing = await Command.RunAsync("tar", ["-tzf", layerFile]);
            Assert.DoesNotContain(".wh.", listing.Output, StringComparison.Ordinal);
            entries.AddRange(listing.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(e => "/" + e.TrimStart('.', '/')));
            await Run("tar", "-xzf", layerFile, "-C", root, "--same-owner", "--same-permissions");
        }

        var files = entries.Distinct().Where(e => File.Exists(root + e) && File.ResolveLinkTarget(root + e, false) is null).ToList();
        return new Unpacked(folder, root, config.GetProperty("config").Clone(), compressed, files);
    }

    private static string Blob(JsonElement descriptor) => Path.Combine("blobs", descriptor.GetProperty("digest").GetString()!.Replace(':', '/'));

    private static JsonElement ReadJson(string layout, string relative)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, relative)));
        return document.RootElement.Clone();
    }

    private static async Task Run(string tool, params string[] arguments)
    {
        var result = await Command.RunAsync(tool, arguments);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)}: {result}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_unpacked.IsValueCreated)
        {
            try
            {
                Directory.Delete((await _unpacked.Value).Folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Xunit.Sdk.XunitException)
            {
                // A failed unpacking has nothing to delete, or the OS cleans the temp folder eventually.
            }
        }
    }
}
