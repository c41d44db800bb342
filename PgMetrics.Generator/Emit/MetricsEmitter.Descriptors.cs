using System.Linq;

namespace PgMetrics.Generator.Emit;

internal sealed partial class MetricsEmitter
{
    /// <summary><c>{Type}MetricDescriptors.g.cs</c>: one runtime <c>MetricDescriptor</c> per metric, and the list of all.</summary>
    private string EmitDescriptors()
    {
        var w = Begin();
        w.Line("/// <summary>The " + Xml(_spec.Type) + " metrics' fixed parts: name, description, unit and OTLP data type.</summary>");
        w.Open("public static partial class " + _prefix + "MetricDescriptors");
        foreach (var metric in _spec.Metrics)
        {
            w.Line("/// <summary><c>" + Xml(metric.Name) + "</c>: " + Xml(metric.Description) + "</summary>");
            w.Line("public static readonly " + RuntimeNamespace + ".MetricDescriptor " + metric.PropertyName + " = new(");
            w.Line("    " + Literal(metric.Name) + ", " + Literal(metric.Description) + ", " + Literal(metric.Unit) + ",");
            w.Line("    " + RuntimeNamespace + ".MetricKind." + metric.Kind + ", " + RuntimeNamespace + ".MetricValueType." + metric.ValueType + ", isMonotonic: " + Bool(metric.Monotonic) + ", " + RuntimeNamespace + ".AggregationTemporality." + metric.Temporality + ");");
            w.Line();
        }

        w.Line("/// <summary>Every metric, in metadata.yaml order.</summary>");
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<" + RuntimeNamespace + ".MetricDescriptor> All { get; } = new " + RuntimeNamespace + ".MetricDescriptor[] { " + string.Join(", ", _spec.Metrics.Select(m => m.PropertyName)) + " };");
        w.Close();
        return w.ToString();
    }
}
