using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Runtime.Components;

/// <summary>
/// The typed, validated config of one component, as an OpenTelemetry Collector <c>config.go</c>: read by
/// its factory from a YAML file or .NET configuration, or built in code, then checked the same way for
/// every source before anything runs.
/// </summary>
public abstract record ComponentConfig
{
    /// <summary>The config name: the type, or <c>type/name</c> (e.g. <c>postgresql/replica</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The dotted path of the component's block, e.g. <c>receivers.postgresql/replica</c>.</summary>
    public abstract string Path { get; }

    /// <summary>
    /// Files the config was read from besides the config file itself (a receiver's <c>metadata_files</c>): the
    /// collector reloads when one of them changes, as when the config file does.
    /// </summary>
    internal virtual IEnumerable<string> ReadFiles => [];

    /// <summary>Reports what is wrong with the values together, beyond each value's own type; keys named relative to <see cref="Path"/>.</summary>
    internal virtual void Validate(ConfigErrors errors)
    {
    }
}
