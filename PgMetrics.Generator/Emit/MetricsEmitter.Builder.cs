using System.Linq;
using System.Text;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Generator.Emit;

internal sealed partial class MetricsEmitter
{
    /// <summary><c>{Type}MetricsBuilder.g.cs</c>: the resource setter and one typed <c>Record…DataPoint</c> method per metric.</summary>
    private string EmitBuilder()
    {
        var w = Begin();
        w.Line("/// <summary>Records " + Xml(_spec.Type) + " data points, one typed method per metric, into a metrics buffer.</summary>");
        w.Open("public sealed partial class " + _prefix + "MetricsBuilder");
        w.Line("private readonly " + _prefix + "MetricsConfig _config;");
        w.Line("private readonly " + RuntimeNamespace + ".MetricsBuffer _buffer;");
        w.Line();
        w.Line("/// <summary>Creates a builder that skips disabled metrics and writes into <paramref name=\"buffer\"/>.</summary>");
        w.Open("public " + _prefix + "MetricsBuilder(" + _prefix + "MetricsConfig config, " + RuntimeNamespace + ".MetricsBuffer buffer)");
        w.Line("_config = config;");
        w.Line("_buffer = buffer;");
        w.Close();
        w.Line();

        w.Line("/// <summary>Makes the resource with these attributes the one later data points belong to; null attributes are left out.</summary>");
        var parameters = string.Join(", ", _spec.ResourceAttributes.Select(a => ClrType(a.Type) + "? " + a.ParameterName + " = null"));
        w.Open("public void SetResource(" + parameters + ")");
        w.Line("_buffer.BeginResource();");
        foreach (var attribute in _spec.ResourceAttributes)
        {
            var name = attribute.ParameterName;
            var value = attribute.Type == AttributeType.String ? name : name + ".Value";
            w.Open("if (" + name + " is not null && _config.ResourceAttributes." + attribute.PropertyName + ".Enabled)");
            w.Line("_buffer.AddResourceAttribute(" + RuntimeNamespace + ".KeyValue." + FactoryName(attribute.Type) + "(" + _prefix + "AttributeNames." + attribute.PropertyName + ", " + value + "));");
            w.Close();
        }

        w.Line("_buffer.EndResource();");
        w.Close();

        foreach (var metric in _spec.Metrics)
        {
            var valueType = metric.ValueType == NumberType.Int ? "long" : "double";
            var isHistogram = metric.Kind == MetricKind.Histogram;
            var signature = new StringBuilder(isHistogram
                ? "long timeUnixNano, long count, double sum, global::System.ReadOnlySpan<double> explicitBounds, global::System.ReadOnlySpan<long> bucketCounts"
                : "long timeUnixNano, " + valueType + " value");
            foreach (var attribute in metric.Attributes)
            {
                signature.Append(", ").Append(attribute.EnumTypeName ?? ClrType(attribute.Type)).Append(' ').Append(attribute.ParameterName);
            }

            w.Line();
            w.Line("/// <summary>Records a data point of <c>" + Xml(metric.Name) + "</c> (" + Xml(metric.Unit) + ") taken at <paramref name=\"timeUnixNano\"/> (Unix nanoseconds): " + Xml(metric.Description) + "</summary>");
            w.Open("public void " + metric.RecordMethodName + "(" + signature + ")");
            w.Open("if (!_config." + metric.PropertyName + ".Enabled)");
            w.Line("return;");
            w.Close();
            w.Line();
            var attributeValues = metric.Attributes.Select(a => RuntimeNamespace + ".KeyValue." + FactoryName(a.Type) + "(" + _prefix + "AttributeNames." + a.PropertyName + ", " + a.ParameterName + (a.IsEnum ? ".ToOtlpString()" : string.Empty) + ")").ToList();
            var attributeArgument = attributeValues.Count == 0 ? string.Empty : ", [" + string.Join(", ", attributeValues) + "]";
            w.Line(isHistogram
                ? "_buffer.AddHistogramPoint(" + _prefix + "MetricDescriptors." + metric.PropertyName + ", timeUnixNano, count, sum, explicitBounds, bucketCounts" + attributeArgument + ");"
                : "_buffer.AddPoint(" + _prefix + "MetricDescriptors." + metric.PropertyName + ", timeUnixNano, value" + attributeArgument + ");");
            w.Close();
        }

        w.Close();
        return w.ToString();
    }


    private static string FactoryName(AttributeType type) => type switch
    {
        AttributeType.Int => "Int",
        AttributeType.Double => "Double",
        AttributeType.Bool => "Bool",
        _ => "String",
    };
}
