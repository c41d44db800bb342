using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Reads the settings and extensions that queries' <see cref="QueryRequirements"/> refer to, and
/// says which requirement a server does not meet. Only what some needed query asks for is read.
/// </summary>
internal static class ServerFacts
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadSettingsAsync(NpgsqlConnection connection, IEnumerable<MetricQuery> queries, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var names = queries.Where(q => q.IsNeeded).SelectMany(q => q.Requirements.Settings).Select(s => s.Name).Distinct(StringComparer.Ordinal).ToArray();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (names.Length == 0)
        {
            return settings;
        }

        await using var command = CollectorSql.Statement("SELECT name, setting FROM pg_catalog.pg_settings WHERE name = ANY(@names)", connection, timeout);
        command.Parameters.Add(new NpgsqlParameter<string[]>("names", names));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            settings[reader.GetString(0)] = reader.GetString(1);
        }

        return settings;
    }

    /// <summary>The extensions installed in the connection's database with their schemas, or none when no query needs any.</summary>
    public static async Task<InstalledExtensions> ReadExtensionsAsync(NpgsqlConnection connection, IEnumerable<MetricQuery> queries, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!queries.Any(q => q.Requirements.NeedsExtensions))
        {
            return InstalledExtensions.None;
        }

        var schemas = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = CollectorSql.Statement(
            "SELECT e.extname, quote_ident(n.nspname) FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace", connection, timeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            schemas[reader.GetString(0)] = reader.GetString(1);
        }

        return new InstalledExtensions(schemas);
    }

    /// <summary>Why the query cannot run here, or null when every requirement is met.</summary>
    public static string? UnmetRequirement(MetricQuery query, IReadOnlyDictionary<string, string> settings, InstalledExtensions extensions)
    {
        foreach (var extension in query.Requirements.Extensions)
        {
            if (!extensions.Contains(extension))
            {
                return $"extension {extension} is not installed in this database (CREATE EXTENSION {extension})";
            }
        }

        foreach (var setting in query.Requirements.Settings)
        {
            var value = settings.TryGetValue(setting.Name, out var actual) ? actual : null;
            if (value is null || !setting.AcceptedValues.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                return $"setting {setting.Name} is {(value is null ? "not available" : "'" + value + "'")}; it must be one of {string.Join(", ", setting.AcceptedValues)}";
            }
        }

        return null;
    }
}
