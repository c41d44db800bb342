// ./build.sh --target=Release: every artifact of a release, for linux-x64 and linux-arm64, into artifacts/release/
// (docs/install.md lists them): the NativeAOT binaries as tarballs (both built on x64: the arm64 ILCompiler,
// clang and Debian's aarch64 cross toolchain), .deb and .rpm packages with a hardened systemd unit, the NuGet
// packages, the chart package, the multi-arch OCI image index, CycloneDX SBOMs and SHA256SUMS; and the
// release notes (the version's CHANGELOG.md section) in artifacts/release-notes.md. As root (apt, buildah).
// Every artifact is reproducible: dates are the commit's (SOURCE_DATE_EPOCH), archives sorted and owned by root.
using System.Security.Cryptography;
using System.Text.Json.Nodes;

var releaseFolder = MakeAbsolute(Directory("./artifacts/release"));
var releaseWork = MakeAbsolute(Directory("./artifacts/release-work"));

// (.NET runtime id, Debian architecture, RPM architecture)
var releaseArchitectures = new[] { (Rid: "linux-x64", Debian: "amd64", Rpm: "x86_64"), (Rid: "linux-arm64", Debian: "arm64", Rpm: "aarch64") };

// What the published binaries are held to: the Publish target's 20 MB for x64. The same code for arm64 is about
// 3 % larger (fixed four-byte instructions; constants and addresses built by instruction pairs where x64 has them
// inline): 20.1 MB beside x64's 19.5 MB. arm64 gets 5 % more, so a dependency that roots too much fails both.
long MaxReleaseBinaryBytes(string rid) => rid == "linux-arm64" ? 21_000_000 : 20_000_000;

// clang links both architectures (with --target for arm64); Debian's cross toolchain gives arm64's C runtime
// objects, libc and binutils (objcopy strips the symbols into pgmetrics.dbg); qemu-user runs the arm64 binary
// in the tests; rpm builds the RPMs; systemd's systemd-sysusers and systemd-analyze run in the package tests
// (a container image has neither), file names a binary's architecture.
Task("ReleaseTools")
    .Does(() =>
{
    AptInstall(["clang", "gcc-aarch64-linux-gnu", "binutils-aarch64-linux-gnu", "libc6-dev-arm64-cross", "qemu-user-static", "rpm", "systemd", "file"],
        ["/usr/bin/clang", "/usr/bin/aarch64-linux-gnu-objcopy", "/usr/aarch64-linux-gnu/lib/crt1.o", "/usr/bin/qemu-aarch64-static", "/usr/bin/rpmbuild", "/usr/bin/systemd-analyze", "/usr/bin/systemd-sysusers", "/usr/bin/file"]);
});

// The collector for both architectures: artifacts/release-work/<rid>/pgmetrics (and pgmetrics.dbg, its symbols).
// linux-x64 is the Publish target's binary (the image's), linux-arm64 is cross-compiled here.
Task("ReleaseBinaries")
    .IsDependentOn("ReleaseTools")
    .IsDependentOn("Publish")
    .Does(() =>
{
    foreach (var architecture in releaseArchitectures)
    {
        var output = releaseWork.Combine(architecture.Rid);
        CleanDirectory(output);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (architecture.Rid == "linux-x64")
        {
            CopyFiles(GetFiles("./artifacts/publish/pgmetrics*"), output);
        }
        else
        {
            DotNetPublish("./PgMetrics.Collector/PgMetrics.Collector.csproj", new DotNetPublishSettings
            {
                Configuration = configuration,
                Runtime = architecture.Rid,
                OutputDirectory = output,
                MSBuildSettings = ReleasePublishProperties(architecture.Rid),
            });
        }

        var binary = output.CombineWithFilePath("pgmetrics");
        var bytes = new System.IO.FileInfo(binary.FullPath).Length;
        Information("{0}: {1:N0} bytes in {2:0} s", binary, bytes, watch.Elapsed.TotalSeconds);
        if (bytes > MaxReleaseBinaryBytes(architecture.Rid))
        {
            throw new Exception($"{binary} is {bytes:N0} bytes, over the {MaxReleaseBinaryBytes(architecture.Rid):N0} the NativeAOT collector for {architecture.Rid} is held to");
        }
    }
});

/// <summary>
/// How a release publishes the NativeAOT collector for <paramref name="rid"/>: clang links (with --target for
/// arm64, finding Debian's aarch64 cross C runtime and libc), the cross objcopy splits arm64's symbols into
/// pgmetrics.dbg, and source paths become /_/ so the binary does not depend on where the clone is.
/// </summary>
DotNetMSBuildSettings ReleasePublishProperties(string rid)
{
    var properties = new DotNetMSBuildSettings()
        .WithProperty("CppCompilerAndLinker", "clang")
        .WithProperty("ContinuousIntegrationBuild", "true");
    return rid == "linux-arm64" ? properties.WithProperty("ObjCopyName", "aarch64-linux-gnu-objcopy") : properties;
}

Task("ReleaseArchives")
    .IsDependentOn("ReleaseBinaries")
    .Does(() =>
{
    EnsureDirectoryExists(releaseFolder);
    var version = ProductVersion();
    foreach (var architecture in releaseArchitectures)
    {
        var name = $"pgmetrics-{version}-{architecture.Rid}";
        var folder = releaseWork.Combine("archive").Combine(name);
        CleanDirectory(folder);
        CopyFile(releaseWork.Combine(architecture.Rid).CombineWithFilePath("pgmetrics"), folder.CombineWithFilePath("pgmetrics"));
        CopyFile("./LICENSE", folder.CombineWithFilePath("LICENSE"));
        CopyFile("./CHANGELOG.md", folder.CombineWithFilePath("CHANGELOG.md"));
        CopyFile("./deploy/pgmetrics.example.yaml", folder.CombineWithFilePath("pgmetrics.example.yaml"));
        Run("chmod", "0755 pgmetrics", folder);
        Run("chmod", "0644 LICENSE CHANGELOG.md pgmetrics.example.yaml", folder);
        ReproducibleTarGz(folder.GetParent(), name, releaseFolder.CombineWithFilePath(name + ".tar.gz"));
    }
});

// The .deb and .rpm of each architecture: the binary, the unit, the sysusers file, the config as a conffile.
Task("ReleasePackages")
    .IsDependentOn("ReleaseBinaries")
    .Does(() =>
{
    EnsureDirectoryExists(releaseFolder);
    var version = ProductVersion();
    // Debian and RPM sort a pre-release before its release only with ~ (1.2.4~alpha.0.5 < 1.2.4).
    var packageVersion = version.Replace('-', '~');
    var epoch = SourceDateEpoch().ToString();
    var homepage = ImageSource() is var source && source.StartsWith("https://") ? source : "https://github.com/pgmetrics/pgmetrics";
    foreach (var architecture in releaseArchitectures)
    {
        var binary = releaseWork.Combine(architecture.Rid).CombineWithFilePath("pgmetrics");
        var glibc = RequiredGlibc(binary, architecture.Rid);
        var staging = releaseWork.Combine("package-" + architecture.Debian);
        CleanDirectory(staging);
        void Place(FilePath from, string to, string mode)
        {
            var target = staging.CombineWithFilePath(to);
            EnsureDirectoryExists(target.GetDirectory());
            CopyFile(from, target);
            Run("chmod", $"{mode} {target.FullPath}", staging);
        }

        Place(binary, "usr/bin/pgmetrics", "0755");
        Place("./deploy/packages/pgmetrics.sysusers", "usr/lib/sysusers.d/pgmetrics.conf", "0644");
        Place("./deploy/pgmetrics.example.yaml", "etc/pgmetrics/pgmetrics.yaml", "0644");
        Place("./deploy/packages/pgmetrics.env", "etc/pgmetrics/pgmetrics.env", "0600");
        Place("./README.md", "usr/share/doc/pgmetrics/README.md", "0644");
        Place("./CHANGELOG.md", "usr/share/doc/pgmetrics/CHANGELOG.md", "0644");
        Place("./deploy/pgmetrics.example.yaml", "usr/share/doc/pgmetrics/pgmetrics.example.yaml", "0644");
        Place("./LICENSE", "usr/share/doc/pgmetrics/LICENSE", "0644");

        // The RPM: the unit where RPM distributions keep units.
        var rpmRoot = releaseWork.Combine("rpm-" + architecture.Debian);
        CleanDirectory(rpmRoot);
        CopyDirectory(staging, rpmRoot.Combine("root"));
        var rpmUnit = rpmRoot.CombineWithFilePath("root/usr/lib/systemd/system/pgmetrics.service");
        EnsureDirectoryExists(rpmUnit.GetDirectory());
        CopyFile("./deploy/packages/pgmetrics.service", rpmUnit);
        EnsureDirectoryExists(rpmRoot.Combine("root/var/lib/pgmetrics"));
        var spec = System.IO.File.ReadAllText("./deploy/packages/rpm/pgmetrics.spec")
            .Replace("@VERSION@", packageVersion).Replace("@GLIBC@", glibc).Replace("@HOMEPAGE@", homepage);
        var specFile = rpmRoot.CombineWithFilePath("pgmetrics.spec");
        System.IO.File.WriteAllText(specFile.FullPath, spec);
        RunWithEnvironment("rpmbuild", $"-bb --target {architecture.Rpm} --define \"_topdir {rpmRoot.FullPath}/top\" --define \"staging {rpmRoot.FullPath}/root\" {specFile.FullPath}",
            new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = epoch, ["TZ"] = "UTC", ["LC_ALL"] = "C" });
        var rpm = GetFiles($"{rpmRoot.FullPath}/top/RPMS/{architecture.Rpm}/*.rpm").Single();
        CopyFile(rpm, releaseFolder.CombineWithFilePath(rpm.GetFilename().ToString()));

        // The .deb: Debian keeps units in /lib/systemd/system (bookworm's dh_installsystemd does).
        var debUnit = staging.CombineWithFilePath("lib/systemd/system/pgmetrics.service");
        EnsureDirectoryExists(debUnit.GetDirectory());
        CopyFile("./deploy/packages/pgmetrics.service", debUnit);
        var control = staging.Combine("DEBIAN");
        EnsureDirectoryExists(control);
        foreach (var script in new[] { "postinst", "prerm", "postrm", "conffiles" })
        {
            CopyFile($"./deploy/packages/debian/{script}", control.CombineWithFilePath(script));
            Run("chmod", (script == "conffiles" ? "0644 " : "0755 ") + script, control);
        }

        var installedKilobytes = System.IO.Directory.EnumerateFiles(staging.FullPath, "*", System.IO.SearchOption.AllDirectories).Where(f => !f.Contains("/DEBIAN/")).Sum(f => (new System.IO.FileInfo(f).Length + 1023) / 1024);
        System.IO.File.WriteAllText(control.CombineWithFilePath("control").FullPath, System.IO.File.ReadAllText("./deploy/packages/debian/control")
            .Replace("@VERSION@", packageVersion).Replace("@ARCH@", architecture.Debian).Replace("@GLIBC@", glibc)
            .Replace("@INSTALLED_SIZE@", installedKilobytes.ToString()).Replace("@HOMEPAGE@", homepage));
        var deb = releaseFolder.CombineWithFilePath($"pgmetrics_{packageVersion}_{architecture.Debian}.deb");
        // dpkg-deb clamps every file's time to SOURCE_DATE_EPOCH and sorts the entries.
        RunWithEnvironment("dpkg-deb", $"--root-owner-group -Zxz --build {staging.FullPath} {deb.FullPath}", new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = epoch });
        Information("Packages ({0}): {1}, {2}", architecture.Debian, deb.GetFilename(), rpm.GetFilename());
    }
});

// CycloneDX SBOMs: one per binary (the collector's package graph for that runtime), one per NuGet package.
Task("ReleaseSboms")
    .IsDependentOn("ReleaseBinaries")
    .IsDependentOn("Pack")
    .Does(() =>
{
    EnsureDirectoryExists(releaseFolder);
    var version = ProductVersion();
    foreach (var architecture in releaseArchitectures)
    {
        Sbom("./PgMetrics.Collector/PgMetrics.Collector.csproj", $"pgmetrics-{version}-{architecture.Rid}.cdx.json", "pgmetrics", "Application", architecture.Rid);
    }

    foreach (var package in new[] { "PgMetrics.Runtime", "PgMetrics.Exporter.Otlp", "PgMetrics.Hosting", "PgMetrics.OpenTelemetry" })
    {
        Sbom($"./{package}/{package}.csproj", $"{package}.{version}.cdx.json", package, "Library", null);
    }
});

Task("ReleaseNuGet")
    .IsDependentOn("Pack")
    .Does(() =>
{
    EnsureDirectoryExists(releaseFolder);
    foreach (var package in GetFiles("./artifacts/packages/PgMetrics.*.*nupkg"))
    {
        CopyFile(package, releaseFolder.CombineWithFilePath(package.GetFilename().ToString()));
    }
});

Task("ReleaseChart")
    .IsDependentOn("Chart")
    .Does(() =>
{
    EnsureDirectoryExists(releaseFolder);
    var chart = MakeAbsolute(File($"./artifacts/chart/pgmetrics-{ProductVersion()}.tgz"));
    CopyFile(chart, releaseFolder.CombineWithFilePath(chart.GetFilename().ToString()));
});

Task("Release")
    .IsDependentOn("ReleaseArchives")
    .IsDependentOn("ReleasePackages")
    .IsDependentOn("ReleaseSboms")
    .IsDependentOn("ReleaseNuGet")
    .IsDependentOn("ReleaseChart")
    .IsDependentOn("ReleaseImage")
    .Does(() =>
{
    WriteReleaseNotes(MakeAbsolute(File("./artifacts/release-notes.md")));
    var lines = System.IO.Directory.GetFiles(releaseFolder.FullPath)
        .Where(f => System.IO.Path.GetFileName(f) != "SHA256SUMS")
        .OrderBy(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal)
        .Select(f =>
        {
            using var stream = System.IO.File.OpenRead(f);
            return $"{Convert.ToHexStringLower(SHA256.HashData(stream))}  {System.IO.Path.GetFileName(f)}";
        });
    System.IO.File.WriteAllText(releaseFolder.CombineWithFilePath("SHA256SUMS").FullPath, string.Join("\n", lines) + "\n");
    foreach (var file in System.IO.Directory.GetFiles(releaseFolder.FullPath).OrderBy(f => f, StringComparer.Ordinal))
    {
        Information("{0,12:N0}  {1}", new System.IO.FileInfo(file).Length, System.IO.Path.GetFileName(file));
    }
});

/// <summary>The newest glibc symbol version the binary needs (objdump -T), for the packages' libc dependency.</summary>
string RequiredGlibc(FilePath binary, string rid)
{
    var objdump = rid == "linux-arm64" ? "aarch64-linux-gnu-objdump" : "objdump";
    var symbols = Capture(objdump, $"-T {binary.FullPath}", Directory("."));
    return System.Text.RegularExpressions.Regex.Matches(symbols, @"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")
        .Select(m => new Version(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : 0))
        .Max() is var newest ? (newest.Build == 0 ? $"{newest.Major}.{newest.Minor}" : newest.ToString()) : throw new Exception($"{binary}: no glibc symbols");
}

/// <summary>A .tar.gz of <paramref name="folder"/>'s <paramref name="name"/> that is the same bytes on every build: sorted, owned by root, dated by the commit, gzip without a time.</summary>
void ReproducibleTarGz(DirectoryPath folder, string name, FilePath archive)
{
    Run("sh", $"-c \"tar --sort=name --mtime=@{SourceDateEpoch()} --owner=0 --group=0 --numeric-owner --format=gnu -cf - {name} | gzip -9n > {archive.FullPath}\"", folder);
}

void RunWithEnvironment(string tool, string arguments, Dictionary<string, string> environment)
{
    var exitCode = StartProcess(tool, new ProcessSettings { Arguments = arguments, EnvironmentVariables = environment });
    if (exitCode != 0)
    {
        throw new Exception($"'{tool} {arguments}' failed with exit code {exitCode}");
    }
}

/// <summary>
/// A CycloneDX SBOM of <paramref name="project"/>'s packages (for <paramref name="rid"/>, when given), named after
/// the artifact it describes, with the build's version; the tool's time stamp becomes the commit's, so it is
/// reproducible.
/// </summary>
void Sbom(string project, string fileName, string name, string type, string rid)
{
    var output = releaseWork.Combine("sbom");
    EnsureDirectoryExists(output);
    var runtime = rid is null ? string.Empty : $"--runtime {rid} ";
    Run("dotnet", $"CycloneDX {project} {runtime}--framework net10.0 --recursive --exclude-test-projects --no-serial-number --output {output.FullPath} --filename {fileName} --output-format Json --set-name {name} --set-version {ProductVersion()} --set-type {type} --configuration {configuration}", Directory("."));
    var sbom = JsonNode.Parse(System.IO.File.ReadAllText(output.CombineWithFilePath(fileName).FullPath));
    sbom["metadata"]["timestamp"] = DateTimeOffset.FromUnixTimeSeconds(SourceDateEpoch()).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
    System.IO.File.WriteAllText(releaseFolder.CombineWithFilePath(fileName).FullPath, sbom.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
}

/// <summary>The release's notes: CHANGELOG.md's section of this version, or its Unreleased section between tags.</summary>
void WriteReleaseNotes(FilePath notes)
{
    var version = ProductVersion();
    var lines = System.IO.File.ReadAllLines("./CHANGELOG.md");
    int Heading(string name) => Array.FindIndex(lines, l => l.StartsWith($"## [{name}]"));
    var start = Heading(version) is var tagged && tagged >= 0 ? tagged : Heading("Unreleased");
    if (start < 0)
    {
        throw new Exception($"CHANGELOG.md has no section for {version} and no Unreleased section");
    }

    var end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## "));
    var section = lines[(start + 1)..(end < 0 ? lines.Length : end)];
    System.IO.File.WriteAllText(notes.FullPath, $"PgMetrics {version} ({ProductRevision()})\n" + string.Join("\n", section).TrimEnd() + "\n\nInstall and verify: docs/install.md; every file's SHA-256 is in SHA256SUMS.\n");
}

// The image for both architectures as one OCI image index (what a registry serves each node its own image from),
// in an OCI archive: artifacts/release/pgmetrics-<version>-image.oci.tar. Each architecture's root file system
// comes from Debian 12's packages of that architecture (arm64's through an apt state of its own under
// artifacts/release-work, so the machine's apt is not changed); the index carries the OCI annotations.
Task("ReleaseImage")
    .IsDependentOn("ReleaseBinaries")
    .Does(() =>
{
    EnsureDirectoryExists(releaseFolder);
    var version = ProductVersion();
    var layout = releaseWork.Combine("image-layout");
    CleanDirectory(layout);
    var arm64Apt = releaseWork.Combine("apt-arm64");
    EnsureDirectoryExists(arm64Apt.Combine("lists/partial"));
    EnsureDirectoryExists(arm64Apt.Combine("cache/archives/partial"));
    var aptOptions = new Dictionary<string, string>
    {
        ["amd64"] = null,
        ["arm64"] = $"-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State::Lists={arm64Apt.FullPath}/lists -o Dir::Cache={arm64Apt.FullPath}/cache -o Debug::NoLocking=1",
    };

    WithImageStorage(releaseWork.Combine("image"), storage =>
    {
        foreach (var architecture in releaseArchitectures)
        {
            var root = releaseWork.Combine("image-" + architecture.Debian);
            MakeImageContext(architecture.Debian, releaseWork.Combine(architecture.Rid).CombineWithFilePath("pgmetrics").FullPath, root, aptOptions[architecture.Debian]);
            var tag = BuildImage(storage, architecture.Debian, root.Combine("context"));
            Run("buildah", $"{storage} push --quiet {tag} oci:{layout.FullPath}:{architecture.Debian}", Directory("."));
        }
    });

    // buildah wrote one manifest per architecture into the layout; the index over them replaces its index.json.
    JsonNode ReadBlob(string digest) => JsonNode.Parse(System.IO.File.ReadAllBytes(layout.CombineWithFilePath("blobs/" + digest.Replace(':', '/')).FullPath));
    string WriteBlob(byte[] bytes)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        System.IO.File.WriteAllBytes(layout.CombineWithFilePath("blobs/" + digest.Replace(':', '/')).FullPath, bytes);
        return digest;
    }

    var annotations = new JsonObject
    {
        ["org.opencontainers.image.title"] = "pgmetrics",
        ["org.opencontainers.image.version"] = version,
        ["org.opencontainers.image.revision"] = ProductRevision(),
        ["org.opencontainers.image.source"] = ImageSource(),
        ["org.opencontainers.image.licenses"] = "Apache-2.0",
        ["org.opencontainers.image.created"] = DateTimeOffset.FromUnixTimeSeconds(SourceDateEpoch()).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
    };
    var manifests = new JsonArray();
    var written = JsonNode.Parse(System.IO.File.ReadAllText(layout.CombineWithFilePath("index.json").FullPath))["manifests"].AsArray();
    foreach (var architecture in releaseArchitectures)
    {
        var entry = written.Single(m => m["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == architecture.Debian);
        var config = ReadBlob(ReadBlob(entry["digest"].GetValue<string>())["config"]["digest"].GetValue<string>());
        if (config["architecture"].GetValue<string>() != architecture.Debian)
        {
            throw new Exception($"the {architecture.Debian} image says it is {config["architecture"]}");
        }

        var platform = new JsonObject { ["architecture"] = architecture.Debian, ["os"] = "linux" };
        if (architecture.Debian == "arm64")
        {
            platform["variant"] = "v8";
        }

        manifests.Add(new JsonObject
        {
            ["mediaType"] = entry["mediaType"].GetValue<string>(),
            ["digest"] = entry["digest"].GetValue<string>(),
            ["size"] = entry["size"].GetValue<long>(),
            ["platform"] = platform,
        });
    }

    var index = new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = "application/vnd.oci.image.index.v1+json",
        ["manifests"] = manifests,
        ["annotations"] = annotations,
    };
    var indexBytes = System.Text.Encoding.UTF8.GetBytes(index.ToJsonString());
    var top = new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = "application/vnd.oci.image.index.v1+json",
        ["manifests"] = new JsonArray(new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["digest"] = WriteBlob(indexBytes),
            ["size"] = indexBytes.Length,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = version },
        }),
    };
    System.IO.File.WriteAllText(layout.CombineWithFilePath("index.json").FullPath, top.ToJsonString());
    // Blobs no manifest refers to any more (none today: buildah wrote only the two images) would stay; the archive is the layout as it is.
    var archive = releaseFolder.CombineWithFilePath($"pgmetrics-{version}-image.oci.tar");
    Run("sh", $"-c \"tar --sort=name --mtime=@{SourceDateEpoch()} --owner=0 --group=0 --numeric-owner --format=gnu -cf {archive.FullPath} -C {layout.FullPath} oci-layout index.json blobs\"", Directory("."));
    Information("Image index {0}: {1:0.0} MB", archive.GetFilename(), new System.IO.FileInfo(archive.FullPath).Length / 1e6);
});

// The tests of what Release built (tests/PgMetrics.Deployment.Tests/Release, Category=ReleaseArtifacts): the arm64
// binary under qemu-user, the .deb and .rpm in a throwaway root, the image index. Test leaves them out.
Task("ReleaseTests")
    .IsDependentOn("Release")
    .IsDependentOn("Postgres")
    .Does(() => DotNetTest("./tests/PgMetrics.Deployment.Tests/PgMetrics.Deployment.Tests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        Filter = "Category=ReleaseArtifacts",
    }));

