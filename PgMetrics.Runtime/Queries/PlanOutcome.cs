namespace PgMetrics.Runtime.Queries;

/// <summary>What explaining a statement gave: its plan, or why there is none. Exactly one of the two is set.</summary>
/// <param name="Plan">The plan, <c>EXPLAIN (FORMAT JSON)</c> with every constant obfuscated; null when it failed.</param>
/// <param name="Error">Why the statement has no plan, e.g. <c>42P01: relation "t" does not exist</c>; null when it has one.</param>
public sealed record PlanOutcome(string? Plan, string? Error)
{
    /// <summary>A plan.</summary>
    public static PlanOutcome Explained(string plan) => new(plan, null);

    /// <summary>No plan, and why.</summary>
    public static PlanOutcome Failed(string reason) => new(null, reason);

    /// <summary>Whether there is a plan.</summary>
    public bool Succeeded => Plan is not null;
}
