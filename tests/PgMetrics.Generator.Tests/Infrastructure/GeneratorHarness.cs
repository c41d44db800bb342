using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace PgMetrics.Generator.Tests.Infrastructure;

/// <summary>Runs <see cref="MetricsGenerator"/> the way the compiler does, on in-memory inputs.</summary>
internal static class GeneratorHarness
{
    public const string MetadataPath = "/project/metadata.yaml";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CSharpCompilation.Create(
            "GeneratorTestAssembly",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static AdditionalText Metadata(string yaml) => new InMemoryAdditionalText(MetadataPath, yaml);

    public static GeneratorDriver CreateDriver(string yaml, string rootNamespace = "Sample") => CreateDriver(Metadata(yaml), rootNamespace);

    public static GeneratorDriver CreateDriver(AdditionalText metadata, string rootNamespace = "Sample")
        => CSharpGeneratorDriver.Create(
            [new MetricsGenerator().AsSourceGenerator()],
            [metadata],
            ParseOptions,
            OptionsFor(rootNamespace),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>The MSBuild properties the generator reads, as the compiler passes them.</summary>
    public static AnalyzerConfigOptionsProvider OptionsFor(string rootNamespace) => new GlobalOptionsProvider(rootNamespace);

    /// <summary>Runs the generator once; returns its result and the compilation with the generated code added.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(string yaml, string rootNamespace = "Sample")
    {
        var driver = CreateDriver(yaml, rootNamespace).RunGeneratorsAndUpdateCompilation(CreateCompilation("namespace Sample; internal static class Anchor { }"), out var output, out _);
        return (driver.GetRunResult(), output);
    }

    public static string ReadRepositoryFile(string relativePath) => File.ReadAllText(RepositoryPath(relativePath));

    public static string RepositoryPath(string relativePath)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PgMetrics.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("PgMetrics.slnx not found above " + AppContext.BaseDirectory), relativePath);
    }

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class GlobalOptionsProvider(string rootNamespace) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static Options Empty { get; } = new([]);

            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
