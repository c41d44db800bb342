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
    .Does(() =>
{
    var entries = System.IO.File.ReadAllLines(containerFolder + File("rootfs.txt"))
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split(' ', 2, StringSplitOptions.TrimEntries))
        .Select(parts => (Package: parts[0], Path: parts[1].TrimStart('/')))
        .ToList();
    var packages = entries.Select(e => e.Package).Distinct().ToList();

    var debs = imageRoot + Directory("debs");
    CleanDirectory(debs);
    CleanDirectory(imageContext);
    var rootfs = imageContext + Directory("rootfs");
    EnsureDirectoryExists(rootfs);

    // The host's apt sources decide the versions: this machine and CI run Debian 12, the release the binary is built on.
    // As root apt would hand the download to its _apt user, who may not write here.
    var download = "-o APT::Sandbox::User=root download " + string.Join(' ', packages);
    if (Exec("apt-get", download, debs) != 0)
    {
        Run("apt-get", "update -qq", debs);
        Run("apt-get", download, debs);
    }

    foreach (var package in packages)
    {
        var deb = GetFiles($"{debs.Path.FullPath}/{package}_*.deb").Single();
        var unpacked = debs + Directory(package);
        Run("dpkg-deb", $"-x {deb.FullPath} {unpacked.Path.FullPath}", debs);
        var paths = entries.Where(e => e.Package == package).Select(e => e.Path).Append($"usr/share/doc/{package}/copyright");
        foreach (var path in paths)
        {
            // cp -a keeps symlinks as links and --parents keeps the folder structure, as dpkg would lay it out.
            var files = path.Contains('*')
                ? System.IO.Directory.GetFiles(System.IO.Path.Combine(unpacked.Path.FullPath, System.IO.Path.GetDirectoryName(path)), System.IO.Path.GetFileName(path)).Select(f => System.IO.Path.GetRelativePath(unpacked.Path.FullPath, f)).ToArray()
                : new[] { path };
            if (files.Length == 0)
            {
                throw new Exception($"deploy/container/rootfs.txt: {package} has no file matching /{path}");
            }

            foreach (var file in files)
            {
                if (!System.IO.File.Exists(System.IO.Path.Combine(unpacked.Path.FullPath, file)) && System.IO.File.ResolveLinkTarget(System.IO.Path.Combine(unpacked.Path.FullPath, file), false) is null)
                {
                    throw new Exception($"deploy/container/rootfs.txt: {package} has no file /{file}");
                }

                Run("cp", $"-a --parents {file} {rootfs.Path.FullPath}", unpacked);
            }
        }

        // What scanners read to know the image's packages and versions (as distroless images do).
        var control = Capture("dpkg-deb", $"-f {deb.FullPath} Package Version Architecture Source Maintainer Homepage", debs);
        var statusFolder = rootfs + Directory("var/lib/dpkg/status.d");
        EnsureDirectoryExists(statusFolder);
        System.IO.File.WriteAllText((statusFolder + File(package)).Path.FullPath, control.TrimEnd() + "\nStatus: install ok installed\n");
    }

    // update-ca-certificates' result: one bundle of every Mozilla certificate, and OpenSSL's default paths pointing at it.
    var certificates = System.IO.Directory.GetFiles((rootfs + Directory("usr/share/ca-certificates/mozilla")).Path.FullPath, "*.crt").OrderBy(f => f, StringComparer.Ordinal);
    EnsureDirectoryExists(rootfs + Directory("etc/ssl/certs"));
    System.IO.File.WriteAllText((rootfs + File("etc/ssl/certs/ca-certificates.crt")).Path.FullPath, string.Concat(certificates.Select(f => System.IO.File.ReadAllText(f).TrimEnd() + "\n")));
    EnsureDirectoryExists(rootfs + Directory("usr/lib/ssl"));
    System.IO.File.CreateSymbolicLink((rootfs + File("usr/lib/ssl/certs")).Path.FullPath, "/etc/ssl/certs");
    System.IO.File.CreateSymbolicLink((rootfs + File("usr/lib/ssl/cert.pem")).Path.FullPath, "/etc/ssl/certs/ca-certificates.crt");

    CopyDirectory(containerFolder + Directory("etc"), rootfs + Directory("etc"));
    // Mount points a container runtime or Kubernetes fills: the config, the spool volume, /tmp.
    foreach (var folder in new[] { "dev", "proc", "sys", "etc/pgmetrics", "home/nonroot", "tmp" })
    {
        EnsureDirectoryExists(rootfs + Directory(folder));
    }

    Run("chmod", "1777 tmp", rootfs);
    Run("chmod", "-R u=rwX,go=rX etc usr lib lib64 var", rootfs);
    EnsureDirectoryExists(imageContext + Directory("spool"));
    CopyFile("./artifacts/publish/pgmetrics", imageContext + File("pgmetrics"));
    Run("chmod", "0755 pgmetrics", imageContext);
    Information("Image context: {0} ({1} Debian packages: {2})", imageContext, packages.Count, string.Join(", ", packages));
});

Task("Image")
    .IsDependentOn("ImageContext")
    .Does(() =>
{
    EnsureBuildah();
    var version = XDocument.Load("./Directory.Build.props").Descendants("Version").Single().Value;
    var revision = Capture("git", "rev-parse HEAD", Directory(".")).Trim();
    var epoch = Capture("git", "log -1 --format=%ct", Directory(".")).Trim();
    var created = DateTimeOffset.FromUnixTimeSeconds(long.Parse(epoch)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
    var source = Argument("image-source", EnvironmentVariable("PGMETRICS_IMAGE_SOURCE") ?? RemoteUrl() ?? "unknown");

    // Its own storage, so a build needs no daemon, no global state and leaves nothing behind.
    var storage = $"--root {MakeAbsolute(imageRoot + Directory("storage"))} --runroot {MakeAbsolute(imageRoot + Directory("run"))} --storage-driver vfs";
    var tag = $"localhost/pgmetrics:{version}";
    var watch = System.Diagnostics.Stopwatch.StartNew();
    try
    {
        Run("buildah", $"{storage} build --isolation chroot --timestamp {epoch} --file deploy/container/Containerfile --tag {tag} "
            + $"--build-arg VERSION={version} --build-arg REVISION={revision} --build-arg CREATED={created} --build-arg SOURCE={source} {imageContext.Path.FullPath}", Directory("."));
        if (FileExists(imageArchive))
        {
            DeleteFile(imageArchive);
        }

        Run("buildah", $"{storage} push --quiet {tag} oci-archive:{MakeAbsolute(imageArchive)}:pgmetrics:{version}", Directory("."));
    }
    finally
    {
        Run("buildah", $"{storage} rmi --all --force", Directory("."));
        DeleteDirectory(imageRoot + Directory("storage"), new DeleteDirectorySettings { Recursive = true, Force = true });
        DeleteDirectory(imageRoot + Directory("run"), new DeleteDirectorySettings { Recursive = true, Force = true });
    }

    var rootfsBytes = System.IO.Directory.EnumerateFiles((imageContext + Directory("rootfs")).Path.FullPath, "*", new System.IO.EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = System.IO.FileAttributes.ReparsePoint })
        .Sum(f => new System.IO.FileInfo(f).Length) + new System.IO.FileInfo((imageContext + File("pgmetrics")).Path.FullPath).Length;
    Information("Image {0}: {1} ({2:0.0} MB compressed archive, {3:0.0} MB unpacked) in {4:0} s",
        tag, imageArchive, new System.IO.FileInfo(imageArchive.Path.FullPath).Length / 1e6, rootfsBytes / 1e6, watch.Elapsed.TotalSeconds);
});

// buildah from Debian's packages, installed here when it is missing (as root; otherwise the error says what to install).
void EnsureBuildah() => AptInstall(["buildah"], ["/usr/bin/buildah"]);

string RemoteUrl()
{
    var url = Exec("git", "remote get-url origin", Directory("."), out var output) == 0 ? output.Trim() : string.Empty;
    return Regex.IsMatch(url, "^(https://|git@)") ? url : null;
}
