namespace PgMetrics.Generator.Emit;

internal sealed partial class MetricsEmitter
{
    /// <summary><c>{Type}Documentation.g.cs</c>: the metric catalogue as a Markdown constant.</summary>
    private string EmitDocumentation()
    {
        var w = Begin();
        w.Line("/// <summary>The " + Xml(_spec.Type) + " metric catalogue as Markdown, written from metadata.yaml.</summary>");
        w.Open("public static partial class " + _prefix + "Documentation");
        w.Line("/// <summary>The catalogue: every metric with its type, unit, default, server versions and attributes.</summary>");
        w.Line("public const string Markdown = " + Literal(DocumentationEmitter.Emit(_spec)) + ";");
        w.Close();
        return w.ToString();
    }
}
