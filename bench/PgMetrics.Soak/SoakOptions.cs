using System.Globalization;
using PgMetrics.TestPostgres;

namespace PgMetrics.Soak;

/// <summary>The soak's settings, from <c>--name value</c> arguments; <c>--short</c> is a 3-minute try.</summary>
internal sealed record SoakOptions
{
    public int Targets { get; init; } = 100;

    public int Servers { get; init; } = 4;

    public int Tables { get; init; } = 20;

    public int Major { get; init; } = 17;

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary><c>file</c>: one receiver with a targets_file; <c>receivers</c>: one receiver block per target.</summary>
    public string Layout { get; init; } = "file";

    /// <summary>The collector: the NativeAOT binary when published, else the build's pgmetrics.dll.</summary>
    public string Collector { get; init; } = DefaultCollector();

    public string? Output { get; init; }

    /// <summary><c>service.memory_limiter.limit_mib</c> for the collector; 0 (the default) leaves the limiter off.</summary>
    public int MemoryLimitMib { get; init; }

    public static SoakOptions Parse(string[] args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--short" => options with { Duration = TimeSpan.FromMinutes(3), SampleEvery = TimeSpan.FromSeconds(10) },
                "--targets" => options with { Targets = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--servers" => options with { Servers = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--tables" => options with { Tables = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--version" => options with { Major = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--interval" => options with { Interval = TimeSpan.FromSeconds(double.Parse(Next().TrimEnd('s'), CultureInfo.InvariantCulture)) },
                "--minutes" => options with { Duration = TimeSpan.FromMinutes(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--sample" => options with { SampleEvery = TimeSpan.FromSeconds(double.Parse(Next().TrimEnd('s'), CultureInfo.InvariantCulture)) },
                "--layout" => options with { Layout = Next() },
                "--collector" => options with { Collector = Path.GetFullPath(Next()) },
                "--output" => options with { Output = Path.GetFullPath(Next()) },
                "--memory-limit-mib" => options with { MemoryLimitMib = int.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown argument {args[i]}; see bench/results/README.md"),
            };
        }

        return options;
    }

    private static string DefaultCollector()
    {
        var published = Path.Combine(RepositoryPaths.Root, "artifacts", "publish", "pgmetrics");
        return File.Exists(published) ? published : Path.Combine(RepositoryPaths.Root, "PgMetrics.Collector", "bin", "Release", "net10.0", "pgmetrics.dll");
    }
}
