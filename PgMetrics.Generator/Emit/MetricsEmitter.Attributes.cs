using System.Linq;

namespace PgMetrics.Generator.Emit;

internal sealed partial class MetricsEmitter
{
    /// <summary><c>{Type}Attributes.g.cs</c>: the OTLP attribute names, and per enum attribute a C# enum with its text conversions.</summary>
    private string EmitAttributes()
    {
        var w = Begin();
        w.Line("/// <summary>The OTLP names of the " + Xml(_spec.Type) + " attributes.</summary>");
        w.Open("public static partial class " + _prefix + "AttributeNames");
        foreach (var attribute in _spec.ResourceAttributes.Concat(_spec.Attributes))
        {
            w.Line("/// <summary>" + Xml(attribute.Description) + "</summary>");
            w.Line("public const string " + attribute.PropertyName + " = " + Literal(attribute.Name) + ";");
        }

        w.Close();
        foreach (var attribute in _spec.Attributes.Where(a => a.IsEnum))
        {
            var enumName = attribute.EnumTypeName!;
            w.Line();
            w.Line("/// <summary>Values of attribute <c>" + Xml(attribute.Name) + "</c>: " + Xml(attribute.Description) + "</summary>");
            w.Open("public enum " + enumName);
            foreach (var value in attribute.EnumValues)
            {
                w.Line("/// <summary><c>" + Xml(value.Value) + "</c></summary>");
                w.Line(value.MemberName + ",");
            }

            w.Close();
            w.Line();
            w.Line("/// <summary>Converts <see cref=\"" + enumName + "\"/> to and from the text sent over OTLP.</summary>");
            w.Open("public static partial class " + enumName + "Text");
            w.Line("/// <summary>The OTLP text of a value.</summary>");
            w.Open("public static string ToOtlpString(this " + enumName + " value) => value switch");
            foreach (var value in attribute.EnumValues)
            {
                w.Line(enumName + "." + value.MemberName + " => " + Literal(value.Value) + ",");
            }

            w.Line("_ => throw new global::System.ArgumentOutOfRangeException(nameof(value)),");
            w.Close(";");
            w.Line();
            w.Line("/// <summary>Parses the text a query returned; false for a value metadata.yaml does not declare.</summary>");
            w.Open("public static bool TryParse(string? text, out " + enumName + " value)");
            w.Open("switch (text)");
            foreach (var value in attribute.EnumValues)
            {
                w.Line("case " + Literal(value.Value) + ": value = " + enumName + "." + value.MemberName + "; return true;");
            }

            w.Line("default: value = default; return false;");
            w.Close();
            w.Close();
            w.Close();
        }

        return w.ToString();
    }
}
