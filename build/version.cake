// The one version every artifact carries (packages, binaries, image, chart, Debian and RPM packages): MinVer's,
// from the git tags (Directory.Build.props), asked of MSBuild once per build so nothing computes it twice.

string productVersion;
string productRevision;

/// <summary>MinVer's version of this checkout (1.2.3 on a tag v1.2.3, 1.2.4-alpha.0.N after it); PGMETRICS_VERSION or 0.1.0-local without git.</summary>
string ProductVersion()
{
    if (productVersion is null)
    {
        var output = Capture("dotnet", "msbuild ./PgMetrics.Collector/PgMetrics.Collector.csproj -restore -nologo -t:MinVer -getProperty:Version -p:Configuration=Release", Directory("."));
        // One property asked for is printed alone, on the last line (restore may print lines before it).
        productVersion = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Information("Version: {0}", productVersion);
    }

    return productVersion;
}

/// <summary>The commit being built (git rev-parse HEAD), or "unknown" outside a git checkout.</summary>
string ProductRevision()
    => productRevision ??= Exec("git", "rev-parse HEAD", Directory("."), out var output) == 0 ? output.Trim() : "unknown";

/// <summary>The commit's time as Unix seconds (SOURCE_DATE_EPOCH when set): what reproducible artifacts stamp as their date.</summary>
long SourceDateEpoch()
    => long.TryParse(EnvironmentVariable("SOURCE_DATE_EPOCH"), out var epoch) ? epoch
        : Exec("git", "log -1 --format=%ct", Directory("."), out var output) == 0 ? long.Parse(output.Trim()) : 0;
