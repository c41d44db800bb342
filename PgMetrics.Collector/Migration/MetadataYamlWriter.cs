using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PgMetrics.Collector.Migration;

/// <summary>
/// Writes a <see cref="ConvertedMetadata"/> as metadata.yaml text with YamlDotNet's emitter, which quotes
/// and escapes what needs it (descriptions, SQL as a literal block); events only, no reflection, so it
/// works in the NativeAOT binary. Small mappings are written in flow style, as the catalogue writes them.
/// </summary>
internal static class MetadataYamlWriter
{
    /// <summary>The file's text.</summary>
    public static string Write(ConvertedMetadata metadata)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text, new EmitterSettings().WithBestIndent(2).WithMaxSimpleKeyLength(1024));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        emitter.Emit(new Comment(metadata.Comment, isInline: false));
        emitter.Emit(new MappingStart());
        Scalar(emitter, "type");
        Scalar(emitter, metadata.Type);
        if (metadata.Attributes.Count > 0)
        {
            Scalar(emitter, "attributes");
            emitter.Emit(new MappingStart());
            foreach (var attribute in metadata.Attributes)
            {
                Scalar(emitter, attribute.Name);
                Flow(emitter, ("description", attribute.Description), ("type", "string"));
            }

            emitter.Emit(new MappingEnd());
        }

        Scalar(emitter, "metrics");
        emitter.Emit(new MappingStart());
        foreach (var metric in metadata.Metrics)
        {
            WriteMetric(emitter, metric);
        }

        emitter.Emit(new MappingEnd());
        Scalar(emitter, "queries");
        emitter.Emit(new MappingStart());
        foreach (var query in metadata.Queries)
        {
            WriteQuery(emitter, query);
        }

        emitter.Emit(new MappingEnd());
        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void WriteMetric(Emitter emitter, ConvertedMetric metric)
    {
        Scalar(emitter, metric.Name);
        emitter.Emit(new MappingStart());
        Scalar(emitter, "enabled");
        Scalar(emitter, "true");
        Scalar(emitter, "description");
        Scalar(emitter, metric.Description);
        Scalar(emitter, "unit");
        Scalar(emitter, metric.Unit, ScalarStyle.DoubleQuoted);
        if (metric.IsCounter)
        {
            Scalar(emitter, "sum");
            Flow(emitter, ("value_type", "double"), ("monotonic", "true"), ("aggregation_temporality", "cumulative"));
        }
        else
        {
            Scalar(emitter, "gauge");
            Flow(emitter, ("value_type", "double"));
        }

        if (metric.Attributes.Count > 0)
        {
            Scalar(emitter, "attributes");
            emitter.Emit(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Flow));
            foreach (var attribute in metric.Attributes)
            {
                Scalar(emitter, attribute);
            }

            emitter.Emit(new SequenceEnd());
        }

        Scalar(emitter, "source");
        Flow(emitter, ("query", metric.Query), ("column", metric.Column));
        emitter.Emit(new MappingEnd());
    }

    private static void WriteQuery(Emitter emitter, ConvertedQuery query)
    {
        Scalar(emitter, query.Name);
        emitter.Emit(new MappingStart());
        if (query.MinVersion is { } min)
        {
            Scalar(emitter, "min_version");
            Scalar(emitter, min.ToString(CultureInfo.InvariantCulture));
        }

        if (query.MaxVersion is { } max)
        {
            Scalar(emitter, "max_version");
            Scalar(emitter, max.ToString(CultureInfo.InvariantCulture));
        }

        Scalar(emitter, "sql");
        var sql = query.Sql.Trim();
        Scalar(emitter, sql, sql.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : ScalarStyle.Any);
        Scalar(emitter, "columns");
        emitter.Emit(new MappingStart());
        foreach (var column in query.Columns)
        {
            Scalar(emitter, column.Name);
            if (column.Attribute is { } attribute)
            {
                Flow(emitter, ("type", column.Type), ("attribute", attribute));
            }
            else
            {
                Flow(emitter, ("type", column.Type));
            }
        }

        emitter.Emit(new MappingEnd());
        emitter.Emit(new MappingEnd());
    }

    private static void Flow(Emitter emitter, params (string Key, string Value)[] entries)
    {
        emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Flow));
        foreach (var (key, value) in entries)
        {
            Scalar(emitter, key);
            Scalar(emitter, value);
        }

        emitter.Emit(new MappingEnd());
    }

    private static void Scalar(Emitter emitter, string value, ScalarStyle style = ScalarStyle.Any)
        => emitter.Emit(new Scalar(null, null, value, style, isPlainImplicit: true, isQuotedImplicit: true));
}
