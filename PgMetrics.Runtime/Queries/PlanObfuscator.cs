using System.Text.Json;
using System.Text.Json.Nodes;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Takes every constant out of an <c>EXPLAIN (FORMAT JSON)</c> plan. A generic plan has <c>$n</c> where the
/// statement had constants, but a plan can still hold literals the statement never showed: a view's or a partial
/// index's predicate, a column default, a partition bound. So every text value is normalized as a statement is
/// (each literal becomes a placeholder), except the values that only name things (node types, relations, indexes,
/// aliases, strategies); numbers (costs, row and width estimates) are the planner's, not the statement's, and stay.
/// </summary>
public static class PlanObfuscator
{
    private static readonly HashSet<string> NameKeys = new(StringComparer.Ordinal)
    {
        "Node Type", "Strategy", "Partial Mode", "Operation", "Parent Relationship", "Subplan Name", "Join Type",
        "Relation Name", "Schema", "Alias", "Index Name", "Scan Direction", "CTE Name", "Function Name", "Command",
        "Sort Method", "Sort Space Type", "Tuplestore Name", "Table Function Name", "Conflict Resolution", "Conflict Arbiter Indexes",
    };

    /// <summary>The plan with every constant replaced, as compact JSON.</summary>
    /// <param name="planJson">The plan as <c>EXPLAIN (FORMAT JSON)</c> printed it.</param>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static string Obfuscate(string planJson)
    {
        var plan = JsonNode.Parse(planJson) ?? throw new JsonException("EXPLAIN printed no plan");
        Visit(plan, key: null);
        return plan.ToJsonString();
    }

    private static void Visit(JsonNode node, string? key)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj.ToList())
                {
                    if (property.Value is JsonValue value && value.TryGetValue(out string? text))
                    {
                        if (!NameKeys.Contains(property.Key))
                        {
                            obj[property.Key] = QueryFingerprinter.Normalize(text);
                        }
                    }
                    else if (property.Value is not null)
                    {
                        Visit(property.Value, property.Key);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue(out string? text))
                    {
                        if (key is null || !NameKeys.Contains(key))
                        {
                            array[i] = QueryFingerprinter.Normalize(text);
                        }
                    }
                    else if (array[i] is { } child)
                    {
                        Visit(child, key);
                    }
                }

                break;
        }
    }
}
