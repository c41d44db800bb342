using System.Globalization;
using System.Text;

namespace PgMetrics.Soak;

/// <summary>Writes the collector's config (and targets file) for a soak into a work folder.</summary>
internal static class SoakConfig
{
    public static string Write(string folder, SoakOptions options, IReadOnlyList<string> endpoints, Uri sink, int healthPort)
    {
        var interval = options.Interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        var config = new StringBuilder("receivers:\n");
        if (options.Layout == "file")
        {
            var targets = new StringBuilder();
            foreach (var endpoint in endpoints)
            {
                targets.Append(CultureInfo.InvariantCulture, $"- endpoint: {endpoint}\n  attributes: {{soak.target: \"{endpoint}\"}}\n");
            }

            var targetsPath = Path.Combine(folder, "targets.yaml");
            File.WriteAllText(targetsPath, targets.ToString());
            config.Append(CultureInfo.InvariantCulture, $"  postgresql/fleet:\n    username: postgres\n    tls: {{insecure: true}}\n    collection_interval: {interval}\n    targets_file: {targetsPath}\n");
        }
        else
        {
            for (var i = 0; i < endpoints.Count; i++)
            {
                config.Append(CultureInfo.InvariantCulture, $"  postgresql/t{i:0000}:\n    endpoint: {endpoints[i]}\n    username: postgres\n    tls: {{insecure: true}}\n    collection_interval: {interval}\n");
            }
        }

        config.Append(CultureInfo.InvariantCulture, $"exporters:\n  otlp:\n    endpoint: {sink}\n    temporality: delta\n");
        config.Append(CultureInfo.InvariantCulture, $"service:\n  telemetry:\n    logs: {{level: info}}\n    health: {{endpoint: \"127.0.0.1:{healthPort}\"}}\n");
        if (options.MemoryLimitMib > 0)
        {
            config.Append(CultureInfo.InvariantCulture, $"  memory_limiter: {{limit_mib: {options.MemoryLimitMib}}}\n");
        }
        var path = Path.Combine(folder, "config.yaml");
        File.WriteAllText(path, config.ToString());
        return path;
    }
}
