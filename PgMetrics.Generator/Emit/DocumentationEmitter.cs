using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Generator.Emit;

/// <summary>
/// Writes the metric catalogue as Markdown from the same model the code comes from, so the
/// documentation cannot drift from what is collected (a test compares it with docs/metrics.md).
/// </summary>
internal static class DocumentationEmitter
{
    public static string Emit(MetadataSpec spec)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(spec.Type).Append(" metrics\n\n");
        md.Append("Generated from `metadata.yaml` by PgMetrics.Generator; do not edit by hand.\n\n");
        md.Append("| metric | type | unit | enabled | versions | resource | attributes | needs | description |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var metric in spec.Metrics)
        {
            md.Append("| `").Append(metric.Name).Append("` | ")
                .Append(TypeText(metric)).Append(" | `")
                .Append(metric.Unit).Append("` | ")
                .Append(metric.Enabled ? "yes" : "no").Append(" | ")
                .Append(Versions(metric)).Append(" | ")
                .Append(string.Join(", ", metric.SourceQueries.SelectMany(q => q.Columns).Select(c => c.ResourceAttribute).Where(a => a is not null).Distinct().Select(a => "`" + a!.Name + "`"))).Append(" | ")
                .Append(string.Join(", ", metric.Attributes.Select(a => "`" + a.Name + "`"))).Append(" | ")
                .Append(Needs(metric)).Append(" | ")
                .Append(Cell(metric.Description)).Append(" |\n");
        }

        if (spec.ResourceAttributes.Count > 0)
        {
            md.Append("\n## Resource attributes\n\n| attribute | type | enabled | description |\n|---|---|---|---|\n");
            foreach (var attribute in spec.ResourceAttributes)
            {
                md.Append("| `").Append(attribute.Name).Append("` | ").Append(attribute.Type.ToString().ToLowerInvariant())
                    .Append(" | ").Append(attribute.Enabled ? "yes" : "no").Append(" | ").Append(Cell(attribute.Description)).Append(" |\n");
            }
        }

        if (spec.Attributes.Count > 0)
        {
            md.Append("\n## Attributes\n\n| attribute | type | values | description |\n|---|---|---|---|\n");
            foreach (var attribute in spec.Attributes)
            {
                md.Append("| `").Append(attribute.Name).Append("` | ").Append(attribute.Type.ToString().ToLowerInvariant())
                    .Append(" | ").Append(string.Join(", ", attribute.EnumValues.Select(v => "`" + v.Value + "`")))
                    .Append(" | ").Append(Cell(attribute.Description)).Append(" |\n");
            }
        }

        return md.ToString();
    }

    private static string TypeText(MetricSpec metric) => metric.Kind switch
    {
        MetricKind.Sum => (metric.Monotonic ? "monotonic " : "non-monotonic ") + metric.Temporality.ToString().ToLowerInvariant() + " sum, " + metric.ValueType.ToString().ToLowerInvariant(),
        MetricKind.Gauge => "gauge, " + metric.ValueType.ToString().ToLowerInvariant(),
        _ => "histogram",
    };

    /// <summary>The PostgreSQL major versions the metric's queries cover, e.g. "12+" or "14–16".</summary>
    private static string Versions(MetricSpec metric)
    {
        var variants = metric.SourceQueries.SelectMany(q => q.Variants).ToList();
        if (variants.Count == 0)
        {
            return "–";
        }

        var lowest = variants.Min(v => v.MinVersion);
        var highest = variants.Any(v => v.MaxVersion is null) ? (int?)null : variants.Max(v => v.MaxVersion!.Value);
        var from = lowest < 100000 ? "all" : (lowest / 10000).ToString(CultureInfo.InvariantCulture);
        return highest is { } max
            ? from + "–" + (max / 10000).ToString(CultureInfo.InvariantCulture)
            : (lowest < 100000 ? "all" : from + "+");
    }

    /// <summary>The extensions and settings the metric's queries require, e.g. "extension `pg_stat_statements`".</summary>
    private static string Needs(MetricSpec metric)
    {
        var requirements = metric.SourceQueries.Select(q => q.Requirements).ToList();
        var extensions = requirements.SelectMany(r => r.Extensions).Distinct().Select(e => "extension `" + e + "`");
        var settings = requirements.SelectMany(r => r.Settings).Distinct().Select(s => "`" + s.Name + "` = " + string.Join(" or ", s.AcceptedValues.Select(v => "`" + v + "`")));
        return string.Join(", ", extensions.Concat(settings));
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ").Trim();
}
