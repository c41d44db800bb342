namespace PgMetrics.Deployment.Tests.Infrastructure;

/// <summary>The real helm and kubectl, and the schema validator, as the build installs them.</summary>
public static class KubernetesTools
{
    public static string ChartFolder => Repository.PathOf("deploy/helm/pgmetrics");

    /// <summary>The chart as a release ships it, packaged with this build's version (./build.sh --target=Chart).</summary>
    public static string ChartPackage
    {
        get
        {
            var path = Repository.PathOf($"artifacts/chart/pgmetrics-{Repository.Version}.tgz");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run ./build.sh --target=Chart (the Test target does).");
        }
    }

    public static Task<Command.Result> HelmAsync(params string[] arguments)
        => Command.RunAsync(Repository.KubernetesTool("bin/helm"), arguments, HelmEnvironment());

    /// <summary>helm template of a chart (a folder or a package) with its defaults.</summary>
    public static async Task<string> TemplateChartAsync(string chart)
    {
        var result = await HelmAsync("template", "pgmetrics", chart, "--namespace", "monitoring");
        Assert.True(result.ExitCode == 0, $"helm template failed: {result}");
        return result.Output;
    }

    /// <summary>helm template with the chart's defaults, or with a values file and --set pairs.</summary>
    public static async Task<string> TemplateAsync(string? valuesFile = null, params string[] sets)
    {
        var result = await HelmAsync(TemplateArguments(valuesFile, sets));
        Assert.True(result.ExitCode == 0, $"helm template failed: {result}");
        return result.Output;
    }

    public static string[] TemplateArguments(string? valuesFile, params string[] sets)
    {
        var arguments = new List<string> { "template", "pgmetrics", ChartFolder, "--namespace", "monitoring" };
        if (valuesFile is not null)
        {
            arguments.AddRange(["--values", valuesFile]);
        }

        foreach (var set in sets)
        {
            arguments.AddRange(["--set", set]);
        }

        return [.. arguments];
    }

    public static async Task<string> KustomizeAsync(string folder)
    {
        var result = await Command.RunAsync(Repository.KubernetesTool("bin/kubectl"), ["kustomize", Repository.PathOf(folder)]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {folder} failed: {result}");
        return result.Output;
    }

    /// <summary>
    /// Runs build/kubernetes/validate-objects.mjs (the upstream schemas, and unknown fields) over the
    /// objects; returns the objects it found valid and every problem it named.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Valid, IReadOnlyList<string> Problems)> ValidateAsync(string yaml)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("pgmetrics-objects-").FullName, "objects.yaml");
        try
        {
            await File.WriteAllTextAsync(file, yaml, TestContext.Current.CancellationToken);
            var script = Repository.KubernetesTool("validate-objects.mjs");
            var result = await Command.RunAsync("node", [script, file], workingDirectory: Path.GetDirectoryName(script));
            var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var valid = lines.Where(l => l.StartsWith("valid ", StringComparison.Ordinal)).Select(l => l["valid ".Length..]).ToList();
            var problems = lines.Where(l => l.StartsWith("invalid ", StringComparison.Ordinal)).Select(l => l["invalid ".Length..].Replace(file + ": ", string.Empty, StringComparison.Ordinal)).ToList();
            Assert.True(result.ExitCode == 0 || problems.Count > 0, $"the validator failed without naming a problem: {result}");
            return (valid, problems);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    // helm keeps its caches and config under HOME by default; a run must not depend on the machine's.
    private static Dictionary<string, string> HelmEnvironment()
    {
        var home = Path.Combine(Path.GetTempPath(), "pgmetrics-helm-home");
        return new() { ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"), ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"), ["HELM_DATA_HOME"] = Path.Combine(home, "data") };
    }
}
