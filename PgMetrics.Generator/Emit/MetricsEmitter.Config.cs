using System.Linq;

namespace PgMetrics.Generator.Emit;

internal sealed partial class MetricsEmitter
{
    /// <summary><c>{Type}MetricsConfig.g.cs</c>: the per-metric enabled switches and per-resource-attribute settings, found by name without reflection.</summary>
    private string EmitConfig()
    {
        var w = Begin();
        w.Line("/// <summary>Which " + Xml(_spec.Type) + " metrics are collected; bound by name without reflection.</summary>");
        w.Open("public sealed partial class " + _prefix + "MetricsConfig");
        foreach (var metric in _spec.Metrics)
        {
            w.Line("/// <summary><c>" + Xml(metric.Name) + "</c>: " + Xml(metric.Description) + "</summary>");
            w.Line("public " + RuntimeNamespace + ".MetricConfig " + metric.PropertyName + " { get; } = new(enabled: " + Bool(metric.Enabled) + ");");
            w.Line();
        }

        w.Line("/// <summary>Which resource attributes are sent.</summary>");
        w.Line("public " + _prefix + "ResourceAttributesConfig ResourceAttributes { get; } = new();");
        w.Line();
        w.Line("/// <summary>The names of all metrics, as metadata.yaml declares them.</summary>");
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<string> MetricNames { get; } = new string[] { " + string.Join(", ", _spec.Metrics.Select(m => Literal(m.Name))) + " };");
        w.Line();
        w.Line("/// <summary>Finds a metric's settings by its name; null when no metric has that name.</summary>");
        w.Open("public " + RuntimeNamespace + ".MetricConfig? Find(string metricName)");
        w.Open("switch (metricName)");
        foreach (var metric in _spec.Metrics)
        {
            w.Line("case " + Literal(metric.Name) + ": return " + metric.PropertyName + ";");
        }

        w.Line("default: return null;");
        w.Close();
        w.Close();
        w.Close();
        w.Line();

        w.Line("/// <summary>Which " + Xml(_spec.Type) + " resource attributes are sent.</summary>");
        w.Open("public sealed partial class " + _prefix + "ResourceAttributesConfig");
        foreach (var attribute in _spec.ResourceAttributes)
        {
            w.Line("/// <summary><c>" + Xml(attribute.Name) + "</c>: " + Xml(attribute.Description) + "</summary>");
            w.Line("public " + RuntimeNamespace + ".ResourceAttributeConfig " + attribute.PropertyName + " { get; } = new(enabled: " + Bool(attribute.Enabled) + ");");
            w.Line();
        }

        w.Line("/// <summary>Finds a resource attribute's settings by its name; null when none has that name.</summary>");
        w.Open("public " + RuntimeNamespace + ".ResourceAttributeConfig? Find(string attributeName)");
        w.Open("switch (attributeName)");
        foreach (var attribute in _spec.ResourceAttributes)
        {
            w.Line("case " + Literal(attribute.Key) + ": return " + attribute.PropertyName + ";");
        }

        w.Line("default: return null;");
        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }
}
