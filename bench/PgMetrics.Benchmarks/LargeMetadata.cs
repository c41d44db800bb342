using System.Globalization;
using System.Text;

namespace PgMetrics.Benchmarks;

/// <summary>A metadata.yaml of the given size: 30 queries of 10 metrics each, with enum attributes and version variants.</summary>
internal static class LargeMetadata
{
    public static string Create(int metrics)
    {
        var yaml = new StringBuilder();
        yaml.Append("type: bench\nresource_attributes:\n  postgresql.database.name: {description: The database., type: string, enabled: true}\n");
        yaml.Append("attributes:\n  state: {description: Backend state., type: string, enum: [active, idle, waiting]}\n");
        yaml.Append("metrics:\n");
        var queries = (metrics + 9) / 10;
        for (var m = 0; m < metrics; m++)
        {
            var query = m / 10;
            var column = m % 10;
            yaml.Append(CultureInfo.InvariantCulture, $"  bench.q{query}.metric_{column}:\n");
            yaml.Append("    enabled: true\n    description: A benchmark metric with a description of ordinary length.\n    unit: \"1\"\n");
            yaml.Append(m % 2 == 0
                ? "    sum: {value_type: int, monotonic: true, aggregation_temporality: cumulative}\n"
                : "    gauge: {value_type: double}\n");
            yaml.Append("    attributes: [state]\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    source: {{query: q{query}, column: c{column}}}\n");
        }

        yaml.Append("queries:\n");
        for (var q = 0; q < queries; q++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  q{q}:\n    scope: per_database\n    sql: SELECT datname, state");
            for (var c = 0; c < 10; c++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $", {c} AS c{c}");
            }

            yaml.Append(" FROM pg_stat_activity\n    variants:\n      - {min_version: 170000, sql: SELECT 1}\n    columns:\n");
            yaml.Append("      datname: {type: string, resource_attribute: postgresql.database.name}\n      state: {type: string, attribute: state}\n");
            for (var c = 0; c < 10; c++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"      c{c}: {{type: int}}\n");
            }
        }

        return yaml.ToString();
    }
}
