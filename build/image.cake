// The container image: ImageContext unpacks the Debian packages deploy/container/rootfs.txt names and
// lays out the build context; Image builds deploy/container/Containerfile with buildah, daemonless
// (vfs storage, chroot isolation, its own storage folder under artifacts/), into an OCI archive.
using System.Text.RegularExpressions;

var imageRoot = Directory(MakeAbsolute(Directory("./artifacts/image")).FullPath);
var imageContext = imageRoot + Directory("context");
var imageArchive = File(MakeAbsolute(File("./artifacts/pgmetrics-image.oci.tar")).FullPath);
var containerFolder = Directory("./deploy/container");

Task("ImageContext")
    .IsDependentOn("Publish")
    .Does(() => MakeImageContext("amd64", "./artifacts/publish/pgmetrics", imageRoot.Path, apt: null));

// The files of deploy/container/rootfs.txt for one architecture: the file lists x86-64's paths, and another
// architecture's are the same with its GNU triplet and its loader's name.
List<(string Package, string Path)> RootfsEntries(string debianArchitecture)
{
    string ForArchitecture(string path) => debianArchitecture switch
    {
        "amd64" => path,
        "arm64" => path.Replace("lib64/ld-linux-x86-64.so.2", "lib/ld-linux-aarch64.so.1")
            .Replace("x86_64-linux-gnu/ld-linux-x86-64.so.2", "aarch64-linux-gnu/ld-linux-aarch64.so.1")
            .Replace("x86_64-linux-gnu", "aarch64-linux-gnu"),
        _ => throw new Exception($"no image for the architecture {debianArchitecture}"),
    };

    return System.IO.File.ReadAllLines(containerFolder + File("rootfs.txt"))
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split(' ', 2, StringSplitOptions.TrimEntries))
        .Select(parts => (Package: parts[0], Path: ForArchitecture(parts[1]).TrimStart('/')))
        .ToList();
}

/// <summary>
/// Lays out an image's build context under <paramref name="root"/>/context: the Debian packages' files rootfs.txt
/// names for <paramref name="debianArchitecture"/> (downloaded into <paramref name="root"/>/debs with
/// <paramref name="apt"/>'s options, the host's apt when null) and the binary.
/// </summary>
void MakeImageContext(string debianArchitecture, string binary, DirectoryPath root, string apt)
{
    var entries = RootfsEntries(debianArchitecture);
    var packages = entries.Select(e => e.Package).Distinct().ToList();
    var context = root.Combine("context");
    var debs = root.Combine("debs");
    CleanDirectory(debs);
    // Not CleanDirectory: the old root file system links usr/lib/ssl/certs to the absolute /etc/ssl/certs, and Cake's
    // CleanDirectory follows that link and empties the build machine's own CA store. Directory.Delete removes links.
    if (System.IO.Directory.Exists(context.FullPath))
    {
        System.IO.Directory.Delete(context.FullPath, recursive: true);
    }

    EnsureDirectoryExists(context);
    var rootfs = context.Combine("rootfs");
    EnsureDirectoryExists(rootfs);

    // The host's apt sources decide the versions: this machine and CI run Debian 12, the release the binary is built on.
    // As root apt would hand the download to its _apt user, who may not write here.
    var download = $"{apt} -o APT::Sandbox::User=root download " + string.Join(" ", packages);
    if (Exec("apt-get", download, debs) != 0)
    {
        Run("apt-get", $"{apt} update -qq", debs);
        Run("apt-get", download, debs);
    }

    foreach (var package in packages)
    {
        var deb = GetFiles($"{debs.FullPath}/{package}_*.deb").Single(f => f.GetFilenameWithoutExtension().ToString().EndsWith("_" + debianArchitecture) || f.GetFilenameWithoutExtension().ToString().EndsWith("_all"));
        var unpacked = debs.Combine(package);
        Run("dpkg-deb", $"-x {deb.FullPath} {unpacked.FullPath}", debs);
        var paths = entries.Where(e => e.Package == package).Select(e => e.Path).Append($"usr/share/doc/{package}/copyright");
        foreach (var path in paths)
        {
            // cp -a keeps symlinks as links and --parents keeps the folder structure, as dpkg would lay it out.
            var files = path.Contains('*')
                ? System.IO.Directory.GetFiles(System.IO.Path.Combine(unpacked.FullPath, System.IO.Path.GetDirectoryName(path)), System.IO.Path.GetFileName(path)).Select(f => System.IO.Path.GetRelativePath(unpacked.FullPath, f)).ToArray()
                : new[] { path };
            if (files.Length == 0)
            {
                throw new Exception($"deploy/container/rootfs.txt: {package} has no file matching /{path}");
            }

            foreach (var file in files)
            {
                if (!System.IO.File.Exists(System.IO.Path.Combine(unpacked.FullPath, file)) && System.IO.File.ResolveLinkTarget(System.IO.Path.Combine(unpacked.FullPath, file), false) is null)
                {
                    throw new Exception($"deploy/container/rootfs.txt: {package} has no file /{file}");
                }

                Run("cp", $"-a --parents {file} {rootfs.FullPath}", unpacked);
            }
        }

        // What scanners read to know the image's packages and versions (as distroless images do).
        var control = Capture("dpkg-deb", $"-f {deb.FullPath} Package Version Architecture Source Maintainer Homepage", debs);
        var statusFolder = rootfs.Combine("var/lib/dpkg/status.d");
        EnsureDirectoryExists(statusFolder);
        System.IO.File.WriteAllText(statusFolder.CombineWithFilePath(package).FullPath, control.TrimEnd() + "\nStatus: install ok installed\n");
    }

    // update-ca-certificates' result: one bundle of every Mozilla certificate, and OpenSSL's default paths pointing at it.
    var certificates = System.IO.Directory.GetFiles(rootfs.Combine("usr/share/ca-certificates/mozilla").FullPath, "*.crt").OrderBy(f => f, StringComparer.Ordinal);
    EnsureDirectoryExists(rootfs.Combine("etc/ssl/certs"));
    System.IO.File.WriteAllText(rootfs.CombineWithFilePath("etc/ssl/certs/ca-certificates.crt").FullPath, string.Concat(certificates.Select(f => System.IO.File.ReadAllText(f).TrimEnd() + "\n")));
    EnsureDirectoryExists(rootfs.Combine("usr/lib/ssl"));
    System.IO.File.CreateSymbolicLink(rootfs.CombineWithFilePath("usr/lib/ssl/certs").FullPath, "/etc/ssl/certs");
    System.IO.File.CreateSymbolicLink(rootfs.CombineWithFilePath("usr/lib/ssl/cert.pem").FullPath, "/etc/ssl/certs/ca-certificates.crt");

    CopyDirectory(containerFolder + Directory("etc"), rootfs.Combine("etc"));
    // Mount points a container runtime or Kubernetes fills: the config, the spool volume, /tmp.
    foreach (var folder in new[] { "dev", "proc", "sys", "etc/pgmetrics", "home/nonroot", "tmp" })
    {
        EnsureDirectoryExists(rootfs.Combine(folder));
    }

    Run("chmod", "1777 tmp", rootfs);
    Run("chmod", "-R u=rwX,go=rX " + string.Join(" ", new[] { "etc", "usr", "lib", "lib64", "var" }.Where(f => System.IO.Directory.Exists(rootfs.Combine(f).FullPath))), rootfs);
    EnsureDirectoryExists(context.Combine("spool"));
    CopyFile(binary, context.CombineWithFilePath("pgmetrics"));
    Run("chmod", "0755 pgmetrics", context);
    Information("Image context ({0}): {1} ({2} Debian packages: {3})", debianArchitecture, context, packages.Count, string.Join(", ", packages));
}


Task("Image")
    .IsDependentOn("ImageContext")
    .Does(() =>
{
    var version = ProductVersion();
    var watch = System.Diagnostics.Stopwatch.StartNew();
    if (FileExists(imageArchive))
    {
        DeleteFile(imageArchive);
    }

    WithImageStorage(imageRoot.Path, storage =>
    {
        var tag = BuildImage(storage, "amd64", imageContext.Path);
        Run("buildah", $"{storage} push --quiet {tag} oci-archive:{MakeAbsolute(imageArchive)}:pgmetrics:{version}", Directory("."));
    });

    var rootfsBytes = System.IO.Directory.EnumerateFiles((imageContext + Directory("rootfs")).Path.FullPath, "*", new System.IO.EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = System.IO.FileAttributes.ReparsePoint })
        .Sum(f => new System.IO.FileInfo(f).Length) + new System.IO.FileInfo((imageContext + File("pgmetrics")).Path.FullPath).Length;
    Information("Image {0} ({1:0.0} MB compressed archive, {2:0.0} MB unpacked) in {3:0} s",
        imageArchive, new System.IO.FileInfo(imageArchive.Path.FullPath).Length / 1e6, rootfsBytes / 1e6, watch.Elapsed.TotalSeconds);
});

/// <summary>
/// Runs <paramref name="build"/> with buildah options for a storage of its own under <paramref name="root"/>, so
/// a build needs no daemon, no global state and leaves nothing behind.
/// </summary>
void WithImageStorage(DirectoryPath root, Action<string> build)
{
    EnsureBuildah();
    var storage = $"--root {MakeAbsolute(root.Combine("storage"))} --runroot {MakeAbsolute(root.Combine("run"))} --storage-driver vfs";
    try
    {
        build(storage);
    }
    finally
    {
        Run("buildah", $"{storage} rmi --all --force", Directory("."));
        DeleteDirectory(root.Combine("storage"), new DeleteDirectorySettings { Recursive = true, Force = true });
        DeleteDirectory(root.Combine("run"), new DeleteDirectorySettings { Recursive = true, Force = true });
    }
}

/// <summary>Builds the Containerfile for one architecture from its context; returns the image's local tag.</summary>
string BuildImage(string storage, string debianArchitecture, DirectoryPath context)
{
    var version = ProductVersion();
    var epoch = SourceDateEpoch();
    var created = DateTimeOffset.FromUnixTimeSeconds(epoch).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
    var tag = $"localhost/pgmetrics:{version}-{debianArchitecture}";
    // FROM scratch with COPY only: nothing runs inside, so another architecture's image needs no emulator.
    Run("buildah", $"{storage} build --isolation chroot --timestamp {epoch} --platform linux/{debianArchitecture} --file deploy/container/Containerfile --tag {tag} "
        + $"--build-arg VERSION={version} --build-arg REVISION={ProductRevision()} --build-arg CREATED={created} --build-arg SOURCE={ImageSource()} {MakeAbsolute(context).FullPath}", Directory("."));
    return tag;
}

/// <summary>The org.opencontainers.image.source: --image-source, PGMETRICS_IMAGE_SOURCE, the git remote when it is a URL, else unknown.</summary>
string ImageSource() => Argument("image-source", EnvironmentVariable("PGMETRICS_IMAGE_SOURCE") ?? RemoteUrl() ?? "unknown");

// buildah from Debian's packages, installed here when it is missing (as root; otherwise the error says what to install).
void EnsureBuildah() => AptInstall(["buildah"], ["/usr/bin/buildah"]);

string RemoteUrl()
{
    var url = Exec("git", "remote get-url origin", Directory("."), out var output) == 0 ? output.Trim() : string.Empty;
    return Regex.IsMatch(url, "^(https://|git@)") ? url : null;
}
