using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Collector.Cli;

/// <summary>The command-line options that say which server to scrape.</summary>
internal sealed class TargetOptions
{
    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = "Npgsql connection string of the server to scrape, e.g. \"Host=localhost;Username=pgmetrics\". The password may come from PGPASSWORD.",
    };

    public Option<string[]> Databases { get; } = new("--database")
    {
        Description = "A database to collect from (repeatable); default: every database that accepts connections.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string[]> ExcludeDatabases { get; } = new("--exclude-database")
    {
        Description = "A database never collected from (repeatable).",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> QueryTimeout { get; } = new("--query-timeout")
    {
        Description = "statement_timeout for every query, e.g. 10s.",
        DefaultValueFactory = _ => "10s",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Connection);
        command.Options.Add(Databases);
        command.Options.Add(ExcludeDatabases);
        command.Options.Add(QueryTimeout);
    }

    /// <summary>Builds scraper options, or explains what is missing or malformed.</summary>
    public bool TryBind(ParseResult parseResult, out ScraperOptions options, out string error)
    {
        options = null!;
        var connection = parseResult.GetValue(Connection) ?? Environment.GetEnvironmentVariable("PGMETRICS_CONNECTION");
        if (string.IsNullOrWhiteSpace(connection))
        {
            error = "no server given: pass --connection \"Host=...;Username=...\" or set PGMETRICS_CONNECTION";
            return false;
        }

        if (!DurationParser.TryParse(parseResult.GetValue(QueryTimeout), out var timeout, out error))
        {
            error = "--query-timeout: " + error;
            return false;
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        }
        catch (ArgumentException)
        {
            // The exception text can echo the connection string, password included.
            error = "--connection is not a valid Npgsql connection string (expected Key=Value pairs separated by ';')";
            return false;
        }

        options = new ScraperOptions
        {
            ConnectionString = connection,
            Databases = parseResult.GetValue(Databases) ?? [],
            ExcludeDatabases = parseResult.GetValue(ExcludeDatabases) ?? [],
            QueryTimeout = timeout,
        };
        return true;
    }
}
