using Npgsql;
using PgMetrics.Metadata.Model;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;
using QueryScope = PgMetrics.Runtime.Scraping.QueryScope;

namespace PgMetrics.Metadata.Interpreter;

/// <summary>
/// One query of an <see cref="InterpretedMetricSet"/>: what the generated <c>…Query</c> class does,
/// planned once from the model. Each row is read by ordinal, its resource set, its enum columns
/// checked, and one data point recorded per recording whose values are all present.
/// </summary>
internal sealed class InterpretedQuery : MetricQuery
{
    private readonly (int MinVersion, int? MaxVersion, string Sql)[] _variantsNewestFirst;
    private readonly MetricConfig[] _metricsFed;
    private readonly AttributeType[] _columnTypes;
    private readonly ResourceColumn[] _resourceColumns;
    private readonly EnumColumn[] _enumColumns;
    private readonly RecordingPlan[] _recordings;
    private readonly int _maxAttributes;

    public InterpretedQuery(
        QuerySpec query,
        IReadOnlyList<AttributeSpec> resourceAttributes,
        IReadOnlyDictionary<string, MetricDescriptor> descriptors,
        IReadOnlyDictionary<string, MetricConfig> metricConfigs,
        IReadOnlyDictionary<string, ResourceAttributeConfig> resourceAttributeConfigs)
        : base(query.Name, query.Scope == Model.QueryScope.PerDatabase ? QueryScope.PerDatabase : QueryScope.Instance, [.. query.Columns.Select(c => c.Name)])
    {
        // Generated SelectSql tests the variants from the highest minimum version down; ties keep file order.
        _variantsNewestFirst = [.. query.Variants.OrderByDescending(v => v.MinVersion).Select(v => (v.MinVersion, v.MaxVersion, v.Sql))];
        _metricsFed = [.. query.Metrics.Select(m => metricConfigs[m.Name])];
        _columnTypes = [.. query.Columns.Select(c => c.Type)];

        // The generated SetResource takes resource attributes in their metadata.yaml order, not the columns'.
        _resourceColumns =
        [
            .. query.Columns
                .Where(c => c.ResourceAttribute is not null)
                .OrderBy(c => IndexOf(resourceAttributes, c.ResourceAttribute!))
                .Select(c => new ResourceColumn(c.Ordinal, c.Type, c.ResourceAttribute!, resourceAttributeConfigs[c.ResourceAttribute!.Key])),
        ];
        _enumColumns = [.. query.Columns.Where(c => c.Attribute is { IsEnum: true }).Select(c => new EnumColumn(c.Ordinal, c.Name, c.Attribute!))];
        _recordings = [.. query.Recordings.Select(r => new RecordingPlan(r, descriptors[r.Metric.Name], metricConfigs[r.Metric.Name]))];
        _maxAttributes = _recordings.Length == 0 ? 0 : _recordings.Max(r => r.AttributeCount);
        Requirements = query.Requirements.IsEmpty
            ? QueryRequirements.None
            : new QueryRequirements([.. query.Requirements.Extensions], [.. query.Requirements.Settings.Select(s => new SettingRequirement(s.Name, [.. s.AcceptedValues]))]);
    }

    /// <inheritdoc/>
    public override bool IsNeeded => Array.Exists(_metricsFed, m => m.Enabled);

    /// <inheritdoc/>
    public override QueryRequirements Requirements { get; }

    /// <inheritdoc/>
    public override string? SelectSql(int serverVersionNum)
    {
        foreach (var (minVersion, maxVersion, sql) in _variantsNewestFirst)
        {
            if (serverVersionNum >= minVersion && (maxVersion is not { } max || serverVersionNum <= max))
            {
                return sql;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    /// <remarks>Per-database queries run in several databases at once, so everything a call writes to is its own.</remarks>
    protected override void RecordRows(NpgsqlDataReader reader, MetricsBuffer buffer, long timeUnixNano, RejectedValueCounter rejected)
    {
        var row = new RowValues(_columnTypes);
        var attributes = new KeyValue[_maxAttributes];
        if (_resourceColumns.Length == 0)
        {
            buffer.BeginResource();
            buffer.EndResource();
        }

        while (reader.Read())
        {
            row.Read(reader);
            if (_resourceColumns.Length > 0)
            {
                SetResource(row, buffer);
            }

            foreach (var column in _enumColumns)
            {
                if (!column.TryRead(row))
                {
                    rejected.Count(Name, column.Name);
                }
            }

            foreach (var recording in _recordings)
            {
                recording.Record(row, buffer, timeUnixNano, attributes);
            }
        }
    }

    private void SetResource(RowValues row, MetricsBuffer buffer)
    {
        buffer.BeginResource();
        foreach (var column in _resourceColumns)
        {
            if (!row.IsNull(column.Ordinal) && column.Config.Enabled)
            {
                buffer.AddResourceAttribute(row.ToKeyValue(column.Ordinal, column.Attribute.Name, column.Attribute.Type));
            }
        }

        buffer.EndResource();
    }

    private static int IndexOf(IReadOnlyList<AttributeSpec> attributes, AttributeSpec attribute)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key == attribute.Key)
            {
                return i;
            }
        }

        return attributes.Count;
    }

    /// <summary>A column that sets a resource attribute.</summary>
    private sealed record ResourceColumn(int Ordinal, AttributeType ColumnType, AttributeSpec Attribute, ResourceAttributeConfig Config);
}
