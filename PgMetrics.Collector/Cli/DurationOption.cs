using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Collector.Cli;

/// <summary>A duration option in the config file's syntax (<c>10s</c>, <c>500ms</c>, <c>1m30s</c>), checked when the command line is parsed.</summary>
internal static class DurationOption
{
    /// <summary>An option that parses to a <see cref="TimeSpan"/>, or fails parsing with the reason.</summary>
    public static Option<TimeSpan> Create(string name, string description, TimeSpan? defaultValue = null)
    {
        var option = new Option<TimeSpan>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 0 ? null : result.Tokens[0].Value;
                if (DurationParser.TryParse(text, out var duration, out var error))
                {
                    return duration;
                }

                result.AddError($"{name}: {error}");
                return default;
            },
        };
        if (defaultValue is { } value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return option;
    }
}
