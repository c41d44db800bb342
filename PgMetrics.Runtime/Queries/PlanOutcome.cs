namespace PgMetrics.Runtime.Queries;

/// <summary>What explaining a statement gave: its plan, or why there is none. Exactly one of the two is set.</summary>
/// <param name="Plan">The plan, <c>EXPLAIN (FORMAT JSON)</c> with every constant obfuscated; null when it failed.</param>
/// <param name="Error">Why the statement has no plan, e.g. <c>42P01: relation "t" does not exist</c>; null when it has one.</param>
/// <param name="IsPassing">
/// Whether the failure says more about the moment than the statement (a lock wait, a cancelled statement, a
/// lost connection): such a failure is not kept, so the statement is explained again at the next collection.
/// </param>
public sealed record PlanOutcome(string? Plan, string? Error, bool IsPassing = false)
{
    /// <summary>A plan.</summary>
    public static PlanOutcome Explained(string plan) => new(plan, null);

    /// <summary>No plan, and why; <paramref name="passing"/> when it may well work next time.</summary>
    public static PlanOutcome Failed(string reason, bool passing = false) => new(null, reason, passing);

    /// <summary>Whether there is a plan.</summary>
    public bool Succeeded => Plan is not null;
}
