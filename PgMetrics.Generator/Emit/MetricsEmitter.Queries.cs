using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Generator.Emit;

internal sealed partial class MetricsEmitter
{
    /// <summary><c>{Type}Queries.g.cs</c>: the metric set, and per query its row struct and its class (SQL per version, requirements, row recording).</summary>
    private string EmitQueries()
    {
        var w = Begin();
        w.Line("/// <summary>All " + Xml(_spec.Type) + " metrics and the queries that collect them.</summary>");
        w.Open("public sealed partial class " + _prefix + "MetricSet : global::PgMetrics.Runtime.Scraping.MetricSet");
        w.Line("/// <summary>Creates the set with every metric at its metadata.yaml default.</summary>");
        w.Line("public " + _prefix + "MetricSet()");
        w.Line("    : this(new " + _prefix + "MetricsConfig())");
        w.Line("{");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>Creates the set with the given metric settings.</summary>");
        w.Open("public " + _prefix + "MetricSet(" + _prefix + "MetricsConfig config)");
        w.Line("Config = config;");
        w.Line("Queries = new global::PgMetrics.Runtime.Scraping.MetricQuery[] { " + string.Join(", ", _spec.Queries.Select(q => "new " + q.ClassName + "(config)")) + " };");
        w.Close();
        w.Line();
        w.Line("/// <summary>Which metrics are collected.</summary>");
        w.Line("public " + _prefix + "MetricsConfig Config { get; }");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public override string Type => " + Literal(_spec.Type) + ";");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public override global::System.Collections.Generic.IReadOnlyList<" + RuntimeNamespace + ".MetricDescriptor> Metrics => " + _prefix + "MetricDescriptors.All;");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public override global::System.Collections.Generic.IReadOnlyList<global::PgMetrics.Runtime.Scraping.MetricQuery> Queries { get; }");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public override " + RuntimeNamespace + ".MetricConfig? FindMetric(string metricName) => Config.Find(metricName);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public override " + RuntimeNamespace + ".ResourceAttributeConfig? FindResourceAttribute(string attributeName) => Config.ResourceAttributes.Find(attributeName);");
        w.Close();

        foreach (var query in _spec.Queries)
        {
            w.Line();
            EmitRow(w, query);
            w.Line();
            EmitQuery(w, query);
        }

        return w.ToString();
    }

    private void EmitRow(SourceWriter w, QuerySpec query)
    {
        var rowName = query.RowTypeName;
        w.Line("/// <summary>A row of query <c>" + Xml(query.Name) + "</c>, read by ordinal.</summary>");
        var fields = string.Join(", ", query.Columns.Select(c => ClrType(c.Type) + "? " + c.PropertyName));
        w.Open("public readonly record struct " + rowName + "(" + fields + ")");
        w.Line("/// <summary>Reads the current row; the select list is checked against the columns once per result, not per row.</summary>");
        w.Open("public static " + rowName + " Read(global::Npgsql.NpgsqlDataReader reader)");
        var reads = query.Columns.Select(c => "reader.IsDBNull(" + c.Ordinal + ") ? null : " + ReadCall(c.Type, c.Ordinal)).ToList();
        w.Line("return new " + rowName + "(");
        for (var i = 0; i < reads.Count; i++)
        {
            w.Line("    " + reads[i] + (i == reads.Count - 1 ? ");" : ","));
        }

        w.Close();
        w.Close();
    }

    private void EmitQuery(SourceWriter w, QuerySpec query)
    {
        var className = query.ClassName;
        w.Line("/// <summary>Query <c>" + Xml(query.Name) + "</c>: its SQL per server version and the metrics it feeds.</summary>");
        w.Open("public sealed partial class " + className + " : global::PgMetrics.Runtime.Scraping.MetricQuery");
        w.Line("private static readonly string[] ColumnNames = new string[] { " + string.Join(", ", query.Columns.Select(c => Literal(c.Name))) + " };");
        w.Line("private readonly " + _prefix + "MetricsConfig _config;");
        w.Line();
        w.Line("/// <summary>Creates the query bound to the given metric settings.</summary>");
        w.Line("public " + className + "(" + _prefix + "MetricsConfig config)");
        w.Line("    : base(" + Literal(query.Name) + ", global::PgMetrics.Runtime.Scraping.QueryScope." + query.Scope + ", ColumnNames)");
        w.Line("    => _config = config;");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public override bool IsNeeded => " + (query.Metrics.Count == 0 ? "false" : string.Join(" || ", query.Metrics.Select(m => "_config." + m.PropertyName + ".Enabled"))) + ";");
        w.Line();
        if (!query.Requirements.IsEmpty)
        {
            const string Runtime = "global::PgMetrics.Runtime.Scraping.";
            var extensions = "new string[] { " + string.Join(", ", query.Requirements.Extensions.Select(Literal)) + " }";
            var settings = "new " + Runtime + "SettingRequirement[] { " + string.Join(", ", query.Requirements.Settings.Select(
                s => "new " + Runtime + "SettingRequirement(" + Literal(s.Name) + ", new string[] { " + string.Join(", ", s.AcceptedValues.Select(Literal)) + " })")) + " }";
            w.Line("/// <inheritdoc/>");
            w.Line("public override " + Runtime + "QueryRequirements Requirements { get; } = new " + Runtime + "QueryRequirements(" + extensions + ", " + settings + ");");
            w.Line();
        }

        w.Line("/// <inheritdoc/>");
        w.Open("public override string? SelectSql(int serverVersionNum)");
        foreach (var variant in query.Variants.OrderByDescending(v => v.MinVersion))
        {
            var condition = "serverVersionNum >= " + variant.MinVersion.ToString(CultureInfo.InvariantCulture)
                + (variant.MaxVersion is { } max ? " && serverVersionNum <= " + max.ToString(CultureInfo.InvariantCulture) : string.Empty);
            w.Open("if (" + condition + ")");
            w.Line("return " + Literal(variant.Sql) + ";");
            w.Close();
            w.Line();
        }

        w.Line("return null;");
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open("protected override void RecordRows(global::Npgsql.NpgsqlDataReader reader, " + RuntimeNamespace + ".MetricsBuffer buffer, long timeUnixNano, global::PgMetrics.Runtime.Scraping.RejectedValueCounter rejected)");
        w.Line("var builder = new " + _prefix + "MetricsBuilder(_config, buffer);");
        var resourceColumns = query.Columns.Where(c => c.ResourceAttribute is not null).ToList();
        if (resourceColumns.Count == 0)
        {
            w.Line("builder.SetResource();");
        }

        w.Open("while (reader.Read())");
        w.Line("var row = " + query.RowTypeName + ".Read(reader);");
        if (resourceColumns.Count > 0)
        {
            w.Line("builder.SetResource(" + string.Join(", ", resourceColumns.Select(c => c.ResourceAttribute!.ParameterName + ": row." + c.PropertyName)) + ");");
        }

        foreach (var column in query.Columns.Where(c => c.Attribute is { IsEnum: true }))
        {
            w.Line("var " + column.VariableName + "Known = " + column.Attribute!.EnumTypeName + "Text.TryParse(row." + column.PropertyName + ", out var " + column.VariableName + "Value);");
            w.Open("if (!" + column.VariableName + "Known)");
            w.Line("rejected.Count(Name, " + Literal(column.Name) + ");");
            w.Close();
        }

        foreach (var recording in query.Recordings)
        {
            EmitRecordCall(w, recording);
        }

        w.Close();
        w.Close();
        w.Close();
    }

    private static void EmitRecordCall(SourceWriter w, RecordingSpec recording)
    {
        var metric = recording.Metric;
        var valueColumn = recording.ValueColumn;
        var conditions = new List<string> { "row." + valueColumn.PropertyName + " is { } " + valueColumn.VariableName + "For" + metric.PropertyName };
        var arguments = new List<string> { "timeUnixNano", valueColumn.VariableName + "For" + metric.PropertyName };
        foreach (var value in recording.Attributes)
        {
            var attribute = value.Attribute;
            if (value.Column is not { } column)
            {
                arguments.Add(value.FixedEnumValue is { } member ? attribute.EnumTypeName + "." + member.MemberName : FixedLiteral(attribute.Type, value.FixedValue!));
            }
            else if (attribute.IsEnum)
            {
                conditions.Add(column.VariableName + "Known");
                arguments.Add(column.VariableName + "Value");
            }
            else
            {
                // Pattern variables leak into the loop body, so one metric fed by several columns of a
                // query needs a name per value column.
                var local = column.VariableName + "For" + metric.PropertyName + "From" + valueColumn.PropertyName;
                conditions.Add("row." + column.PropertyName + " is { } " + local);
                arguments.Add(local);
            }
        }

        w.Open("if (" + string.Join(" && ", conditions) + ")");
        w.Line("builder." + metric.RecordMethodName + "(" + string.Join(", ", arguments) + ");");
        w.Close();
    }


    private static string ReadCall(AttributeType type, int ordinal) => type switch
    {
        AttributeType.Int => "global::PgMetrics.Runtime.Scraping.ColumnReader.ReadInt64(reader, " + ordinal + ")",
        AttributeType.Double => "global::PgMetrics.Runtime.Scraping.ColumnReader.ReadDouble(reader, " + ordinal + ")",
        AttributeType.Bool => "reader.GetBoolean(" + ordinal + ")",
        _ => "global::PgMetrics.Runtime.Scraping.ColumnReader.ReadString(reader, " + ordinal + ")",
    };


    private static string FixedLiteral(AttributeType type, string value) => type switch
    {
        AttributeType.Int => value + "L",
        AttributeType.Double => double.Parse(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture) + "d",
        AttributeType.Bool => value,
        _ => Literal(value),
    };
}
