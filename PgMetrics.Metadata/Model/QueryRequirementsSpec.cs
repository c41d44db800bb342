namespace PgMetrics.Metadata.Model;

/// <summary>What a server must have for a query to run (<c>requires</c>): extensions installed in the database and settings with accepted values.</summary>
/// <param name="Extensions">Extension names, as <c>pg_extension.extname</c> holds them.</param>
/// <param name="Settings">Settings that must have one of their accepted values.</param>
public sealed record QueryRequirementsSpec(ImmutableEquatableArray<string> Extensions, ImmutableEquatableArray<SettingRequirementSpec> Settings)
{
    /// <summary>No requirements.</summary>
    public static QueryRequirementsSpec None { get; } = new(ImmutableEquatableArray<string>.Empty, ImmutableEquatableArray<SettingRequirementSpec>.Empty);

    /// <summary>Whether the query needs nothing.</summary>
    public bool IsEmpty => Extensions.Count == 0 && Settings.Count == 0;
}

/// <summary>A server setting that must have one of the accepted values, e.g. <c>track_functions</c> in <c>[pl, all]</c>.</summary>
/// <param name="Name">The setting's name, as <c>pg_settings.name</c> holds it.</param>
/// <param name="AcceptedValues">The values that satisfy the requirement, as <c>current_setting</c> returns them.</param>
public sealed record SettingRequirementSpec(string Name, ImmutableEquatableArray<string> AcceptedValues);
