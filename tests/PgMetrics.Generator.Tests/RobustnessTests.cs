using PgMetrics.Generator.Tests.Infrastructure;

namespace PgMetrics.Generator.Tests;

/// <summary>Whatever metadata.yaml holds, the generator reports problems and never crashes the compiler.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string> BrokenFiles => new()
    {
        string.Empty,
        "\t\t\t",
        "---\n---\n",
        "type: [a, b]",
        "- just\n- a\n- list",
        "type: x\nmetrics:\n  a: &anchor {enabled: true}\n  b: *anchor\n",
        "type: x\nmetrics: {a.b: {enabled: true, description: d, unit: '1', sum: {value_type: int}, gauge: {value_type: int}}}",
        "type: x\nqueries: {q: {sql: '', columns: {}}}",
        "type: x\nqueries: {q: {sql: SELECT 1, variants: [{min_version: abc}], columns: {n: {type: int}}}}",
        "type: x\n" + new string('[', 5000),
        "type: x\nmetrics:\n  \"\\u0000\": {}\n",
        "\u0000\u0001\u0002binary\uFFFD",
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_broken_file_yields_diagnostics_not_an_exception(string yaml)
    {
        var (result, _) = GeneratorHarness.Run(yaml);

        Assert.Null(result.Results.Single().Exception);
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.StartsWith("PGM", d.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void Random_mutations_of_a_valid_file_never_throw()
    {
        var valid = GeneratorHarness.ReadRepositoryFile("tests/PgMetrics.Generator.Tests/Inputs/attributes.yaml");
        var random = new Random(20261125);
        const string alphabet = " :-[]{}#&*!|>'\"%@`\n\tabcxyz019.";
        for (var i = 0; i < 400; i++)
        {
            var text = valid.ToCharArray().ToList();
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits; e++)
            {
                var position = random.Next(text.Count);
                switch (random.Next(3))
                {
                    case 0:
                        text.RemoveAt(position);
                        break;
                    case 1:
                        text.Insert(position, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        text[position] = alphabet[random.Next(alphabet.Length)];
                        break;
                }
            }

            var mutated = new string([.. text]);
            var (result, _) = GeneratorHarness.Run(mutated);
            Assert.True(result.Results.Single().Exception is null, $"mutation {i} threw: {result.Results.Single().Exception}\n{mutated}");
            Assert.True(result.Diagnostics.Length > 0 || result.GeneratedTrees.Length > 0, $"mutation {i} produced neither code nor diagnostics");
        }
    }
}
