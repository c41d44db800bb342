using System.Text;

namespace PgMetrics.Generator.Model;

/// <summary>Turns metadata names (<c>postgresql.db_size</c>, <c>xact_commit</c>) into C# identifiers.</summary>
internal static class NameFormatting
{
    public static string ToPascalCase(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upperNext = true;
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) || c > 127)
            {
                upperNext = true;
                continue;
            }

            builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = false;
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    public static string ToCamelCase(string name)
    {
        var pascal = ToPascalCase(name);
        var camel = pascal[0] == '_' ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(camel) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + camel : camel;
    }
}
