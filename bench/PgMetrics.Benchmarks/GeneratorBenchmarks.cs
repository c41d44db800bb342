using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PgMetrics.Generator;

namespace PgMetrics.Benchmarks;

/// <summary>
/// The generator on a 300-metric metadata.yaml: a cold run (parse, validate, emit), and the run after
/// an unrelated C# edit, which should cost next to nothing because every step is cached.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _editedCompilation = null!;
    private AdditionalText _metadata = null!;
    private GeneratorDriver _warmDriver = null!;

    [Params(300)]
    public int Metrics { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _metadata = new InMemoryText("/bench/metadata.yaml", LargeMetadata.Create(Metrics));
        _compilation = CSharpCompilation.Create("Bench", [CSharpSyntaxTree.ParseText("namespace Bench; class Anchor { }")], [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);
        _editedCompilation = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Bench; class Unrelated { }"));
        _warmDriver = CreateDriver().RunGenerators(_compilation);
        var result = _warmDriver.GetRunResult();
        if (!result.Diagnostics.IsEmpty || result.GeneratedTrees.Length == 0)
        {
            throw new InvalidOperationException("the benchmark metadata.yaml should generate code without diagnostics: " + string.Join("; ", result.Diagnostics));
        }
    }

    [Benchmark(Description = "cold run: parse + validate + emit")]
    public GeneratorDriver ColdRun() => CreateDriver().RunGenerators(_compilation);

    [Benchmark(Description = "re-run after an unrelated C# edit")]
    public GeneratorDriver RerunAfterUnrelatedEdit() => _warmDriver.RunGenerators(_editedCompilation);

    private GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create([new MetricsGenerator().AsSourceGenerator()], [_metadata], new CSharpParseOptions(LanguageVersion.Latest), new RootNamespaceOptions());

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class RootNamespaceOptions : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", "Bench"));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
