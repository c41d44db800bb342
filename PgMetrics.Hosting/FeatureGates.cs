using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Hosting;

/// <summary>
/// The OpenTelemetry Collector feature gates PgMetrics follows, named and spelled as the collector's
/// <c>--feature-gates</c> takes them (<c>id</c> or <c>+id</c> turns one on, <c>-id</c> off); given as
/// <c>service.feature_gates</c> (<c>Service:FeatureGates</c> in .NET configuration) or <c>--feature-gates</c>, they apply to every postgresql receiver, as a gate does.
/// </summary>
internal static class FeatureGates
{
    /// <summary>One resource per server with <c>db.namespace</c>, <c>db.collection.name</c> and <c>postgresql.index.name</c> on the points.</summary>
    public const string UseOTelSemconv = "receiver.postgresql.useOTelSemconv";

    /// <summary>The schema as a resource attribute of its own: what PgMetrics' per-entity model always does, so it changes nothing.</summary>
    public const string SeparateSchemaAttr = "receiver.postgresql.separateSchemaAttr";

    private static readonly string[] Known = [UseOTelSemconv, SeparateSchemaAttr];

    /// <summary>The gates turned on by a list, or why the list is wrong (null when it is right).</summary>
    public static (HashSet<string> Enabled, string? Error) Parse(IEnumerable<string> gates)
    {
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gate in gates.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var id = gate.TrimStart('+', '-');
            if (!Known.Contains(id, StringComparer.Ordinal))
            {
                return (enabled, $"'{id}' is not a feature gate PgMetrics knows; it knows {string.Join(" and ", Known)}");
            }

            if (gate.StartsWith('-'))
            {
                enabled.Remove(id);
            }
            else
            {
                enabled.Add(id);
            }
        }

        // As the receiver refuses to start with both.
        return enabled.Contains(UseOTelSemconv) && enabled.Contains(SeparateSchemaAttr)
            ? (enabled, $"feature gates {UseOTelSemconv} and {SeparateSchemaAttr} are mutually exclusive and cannot both be enabled")
            : (enabled, null);
    }

    /// <summary>
    /// The receivers with the gates applied, to the targets a targets file listed at load time too (targets read
    /// later, and discovered ones, take the gate from their list); a gate turns a setting on, so one set on a
    /// receiver in code stays.
    /// </summary>
    public static IReadOnlyList<ReceiverConfig> Apply(IReadOnlySet<string> enabled, IReadOnlyList<ReceiverConfig> receivers)
    {
        var semconv = enabled.Contains(UseOTelSemconv);
        return [.. receivers.Select(r => r is PostgresqlReceiverConfig postgresql
            ? postgresql with
            {
                UseOTelSemconv = postgresql.UseOTelSemconv || semconv,
                FileTargets = [.. postgresql.FileTargets.Select(t => t with { UseOTelSemconv = t.UseOTelSemconv || semconv })],
            }
            : r)];
    }
}
