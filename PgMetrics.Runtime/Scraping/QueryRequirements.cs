namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// What a server must have for a query to make sense (metadata.yaml <c>requires:</c>): extensions
/// installed in the database it runs in and settings with one of the accepted values. A query whose
/// requirements are not met is skipped and reported once, not failed on every scrape.
/// </summary>
public sealed record QueryRequirements(IReadOnlyList<string> Extensions, IReadOnlyList<SettingRequirement> Settings)
{
    /// <summary>No requirements: the query runs wherever its SQL variant applies.</summary>
    public static QueryRequirements None { get; } = new([], []);

    /// <summary>Whether the query needs any extension.</summary>
    public bool NeedsExtensions => Extensions.Count > 0;
}

/// <summary>A server setting that must have one of the accepted values, e.g. <c>track_functions</c> in <c>[pl, all]</c>.</summary>
public sealed record SettingRequirement(string Name, IReadOnlyList<string> AcceptedValues);
