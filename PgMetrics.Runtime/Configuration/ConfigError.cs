namespace PgMetrics.Runtime.Configuration;

/// <summary>A problem in the config: where it is, which key, and what is wrong. Never holds a secret's value.</summary>
/// <param name="File">The config file, or <c>(command line)</c> for a config built from flags; for a mistake in a metadata file, that file.</param>
/// <param name="Line">1-based, as editors count; 0 when the config has no lines (flags, .NET configuration).</param>
/// <param name="Column">1-based; 0 when the config has no lines.</param>
/// <param name="Key">The dotted path of the key, e.g. <c>receivers.postgresql.collection_interval</c>; for a metadata file, the key that names it.</param>
/// <param name="Message">What is wrong, and what to write instead.</param>
/// <param name="Setting">For a config from .NET configuration, the configuration path as the app wrote it, e.g. <c>PgMetrics:Receivers:postgresql:CollectionInterval</c>.</param>
internal sealed record ConfigError(string File, int Line, int Column, string Key, string Message, string? Setting = null)
{
    /// <summary>
    /// The mistake in a metadata file (<c>metadata_files</c>) this error stands for, or null for a problem of
    /// the config itself. Such an error prints as <c>dotnet build</c> prints it for the same file, with its PGM id.
    /// </summary>
    public MetadataDiagnostic? Metadata { get; init; }

    /// <summary>
    /// <c>file:line:column: key: message</c>, the configuration path and message for .NET configuration, or a
    /// metadata file's mistake as the compiler prints it: <c>file(line,column): error PGM007: message</c>.
    /// </summary>
    public override string ToString()
        => Metadata?.Printed
            ?? (Setting is not null ? $"{Setting}: {Message}"
                : Line > 0 ? $"{File}:{Line}:{Column}: {Key}: {Message}"
                : $"{File}: {Key}: {Message}");
}
