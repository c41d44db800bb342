using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests;

/// <summary>What the OCI archive the build wrote holds: its config, and nothing in its root but the binary and what it loads.</summary>
public sealed class ImageContentTests(ImageRoot image)
{
    // The only ELF files allowed: the collector, the loader, and the libraries it links or loads (OpenSSL; GSSAPI and its dependencies).
    private static readonly string[] ExpectedElfFiles =
    [
        "/usr/bin/pgmetrics",
        "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/libssl.so.3",
        "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
        "/lib/x86_64-linux-gnu/libresolv.so.2",
        "/usr/lib/x86_64-linux-gnu/libgssapi_krb5.so.2.2",
        "/usr/lib/x86_64-linux-gnu/libkrb5.so.3.3",
        "/usr/lib/x86_64-linux-gnu/libk5crypto.so.3.1",
        "/usr/lib/x86_64-linux-gnu/libkrb5support.so.0.1",
        "/lib/x86_64-linux-gnu/libcom_err.so.2.1",
        "/lib/x86_64-linux-gnu/libkeyutils.so.1.10",
    ];

    [Fact]
    public async Task The_image_runs_the_collector_as_user_65532_and_exposes_the_health_port()
    {
        var config = (await image.GetAsync()).Config;

        Assert.Equal("65532:65532", config.GetProperty("User").GetString());
        Assert.Equal(["/usr/bin/pgmetrics"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["run", "--config", "/etc/pgmetrics/pgmetrics.yaml"], config.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("13133/tcp", out _));
    }

    [Fact]
    public async Task The_image_is_labelled_with_the_build_version_revision_and_licence()
    {
        var labels = (await image.GetAsync()).Config.GetProperty("Labels");
        string Label(string name) => labels.GetProperty("org.opencontainers.image." + name).GetString()!;

        Assert.Equal(Repository.Version, Label("version"));
        Assert.Equal("Apache-2.0", Label("licenses"));
        Assert.Matches("^[0-9a-f]{40}$", Label("revision"));
        Assert.True(DateTimeOffset.TryParse(Label("created"), out _), Label("created"));
        Assert.False(string.IsNullOrEmpty(Label("source")));
    }

    [Fact]
    public async Task The_root_holds_no_shell_and_no_program_but_the_collector_and_the_libraries_it_loads()
    {
        var unpacked = await image.GetAsync();
        var root = unpacked.RootFileSystem;
        var files = unpacked.Files;

        var elfFiles = files.Where(f => IsElf(root + f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ExpectedElfFiles.Order(StringComparer.Ordinal), elfFiles);
        foreach (var shell in new[] { "/bin/sh", "/bin/bash", "/usr/bin/sh", "/bin/busybox", "/usr/bin/apt", "/usr/bin/dpkg" })
        {
            Assert.False(File.Exists(root + shell) || Directory.Exists(root + shell), $"{shell} must not be in the image");
        }

        // Everything else is data: licences, the CA bundle, passwd/group, os-release, package records.
        Assert.All(files.Except(elfFiles), f => Assert.Matches("^/(usr/share/doc/[^/]+/copyright|usr/share/ca-certificates/mozilla/[^/]+\\.crt|etc/(ssl/certs/ca-certificates\\.crt|passwd|group|nsswitch\\.conf)|usr/lib/os-release|var/lib/dpkg/status\\.d/[a-z0-9.+-]+)$", f));
        var size = files.Sum(f => new FileInfo(root + f).Length);
        TestContext.Current.SendDiagnosticMessage($"image: {unpacked.CompressedBytes / 1e6:0.0} MB compressed, {size / 1e6:0.0} MB unpacked, {files.Count} files");
    }

    [Fact]
    public async Task The_ca_bundle_holds_the_public_roots_and_OpenSSLs_default_paths_lead_to_it()
    {
        var root = (await image.GetAsync()).RootFileSystem;
        var bundle = await File.ReadAllTextAsync(Path.Combine(root, "etc/ssl/certs/ca-certificates.crt"), TestContext.Current.CancellationToken);
        var count = bundle.Split("-----BEGIN CERTIFICATE-----").Length - 1;

        Assert.True(count > 100, $"the bundle holds {count} certificates");
        Assert.Equal(Directory.GetFiles(Path.Combine(root, "usr/share/ca-certificates/mozilla"), "*.crt").Length, count);
        // Debian's OpenSSL looks in /usr/lib/ssl; .NET asks OpenSSL for these default paths.
        Assert.Equal("/etc/ssl/certs", File.ResolveLinkTarget(Path.Combine(root, "usr/lib/ssl/certs"), false)?.ToString());
        Assert.Equal("/etc/ssl/certs/ca-certificates.crt", File.ResolveLinkTarget(Path.Combine(root, "usr/lib/ssl/cert.pem"), false)?.ToString());
    }

    private static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(magic) == 4 && magic.SequenceEqual("\u007fELF"u8);
    }
}
