using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>
/// What ./build.sh --target=Release wrote (artifacts/release/, and the binaries in artifacts/release-work/), named
/// as docs/install.md names them. Built as root only (apt, buildah); elsewhere the tests that need it skip.
/// </summary>
public static class ReleaseArtifacts
{
    public static string Folder => Repository.PathOf("artifacts/release");

    /// <summary>The version in Debian's and RPM's spelling: a pre-release's - becomes ~, so it sorts before the release.</summary>
    public static string PackageVersion => Repository.Version.Replace('-', '~');

    /// <summary>The NativeAOT binary of <paramref name="rid"/> (linux-x64, linux-arm64), as the tarball holds it.</summary>
    public static string Binary(string rid) => Existing(Repository.PathOf($"artifacts/release-work/{rid}/pgmetrics"));

    public static string Deb(string architecture) => Existing(Path.Combine(Folder, $"pgmetrics_{PackageVersion}_{architecture}.deb"));

    public static string Rpm(string architecture) => Existing(Path.Combine(Folder, $"pgmetrics-{PackageVersion}-1.{architecture}.rpm"));

    public static string File(string name) => Existing(Path.Combine(Folder, name));

    /// <summary>The folder rpmbuild built <paramref name="architecture"/>'s RPM from: the spec and the files as installed.</summary>
    public static string RpmWork(string debianArchitecture) => Existing(Repository.PathOf($"artifacts/release-work/rpm-{debianArchitecture}"));

    private static string Existing(string path)
    {
        ContainerRun.RequireRoot();
        return System.IO.File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run ./build.sh --target=Release (as root; the Test target does).");
    }
}
