using Microsoft.CodeAnalysis.CSharp;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Generator.Tests;

/// <summary>The metadata library names C# identifiers without Roslyn; Roslyn is the oracle for what needs escaping.</summary>
public sealed class NameFormattingTests
{
    [Fact]
    public void The_library_escapes_exactly_the_keywords_Roslyn_reserves()
    {
        var roslyn = SyntaxFacts.GetReservedKeywordKinds().Select(SyntaxFacts.GetText).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(roslyn, NameFormatting.ReservedKeywords.Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [InlineData("default", "@default")]
    [InlineData("class_name", "className")]
    [InlineData("record", "record")]
    [InlineData("9lives", "_9lives")]
    public void A_camel_case_name_is_a_valid_CSharp_identifier(string name, string expected)
    {
        var camel = NameFormatting.ToCamelCase(name);

        Assert.Equal(expected, camel);
        Assert.True(SyntaxFacts.IsValidIdentifier(camel.TrimStart('@')));
    }
}
