// Debian packages the tests and the image build need, installed with apt-get when they are missing.

/// <summary>
/// Installs <paramref name="packages"/> with apt-get unless every one of <paramref name="binaries"/> is
/// there already. apt-get also exits non-zero for an unrelated package of the machine's left
/// half-configured (ca-certificates-java here), so whether ours arrived is judged by the binaries,
/// not by apt-get's exit code.
/// </summary>
void AptInstall(string[] packages, string[] binaries, Action beforeInstall = null)
{
    if (binaries.All(System.IO.File.Exists))
    {
        Information("{0}: installed.", string.Join(", ", packages));
        return;
    }

    if (!RunningAsRoot())
    {
        var absent = binaries.Where(binary => !System.IO.File.Exists(binary));
        throw new Exception($"{string.Join(", ", absent)} missing: installing {string.Join(", ", packages)} with apt-get needs root; install them first (sudo apt-get install {string.Join(' ', packages)}) or run the build as root.");
    }

    beforeInstall?.Invoke();
    foreach (var arguments in new[] { "update -q", "install -y -q --no-install-recommends " + string.Join(' ', packages) })
    {
        var exitCode = StartProcess("apt-get", new ProcessSettings
        {
            Arguments = arguments,
            EnvironmentVariables = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
        });
        if (exitCode != 0)
        {
            Warning("'apt-get {0}' exited with {1}", arguments, exitCode);
        }
    }

    var missing = binaries.Where(binary => !System.IO.File.Exists(binary)).ToList();
    if (missing.Count > 0)
    {
        throw new Exception("apt-get did not install " + string.Join(", ", missing));
    }
}
