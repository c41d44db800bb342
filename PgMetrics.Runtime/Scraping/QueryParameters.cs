using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// The parameters metadata.yaml SQL may use: <c>@databases</c>, the databases selected for
/// collection, and <c>@relation_limit</c>, how many tables, indexes and functions a per-relation
/// query keeps. Only those the SQL names are bound.
/// </summary>
public static class QueryParameters
{
    /// <summary>The name of the selected-databases parameter (a text array).</summary>
    public const string Databases = "databases";

    /// <summary>The name of the per-database relation limit parameter (an integer).</summary>
    public const string RelationLimit = "relation_limit";

    /// <summary>Binds the parameters the command's SQL refers to.</summary>
    public static void Bind(NpgsqlCommand command, IReadOnlyList<string> databases, int relationLimit)
        => Bind(command.Parameters, command.CommandText, databases, relationLimit);

    /// <summary>Binds the parameters the statement's SQL refers to.</summary>
    public static void Bind(CollectorStatement statement, IReadOnlyList<string> databases, int relationLimit)
        => Bind(statement.Parameters, statement.CommandText, databases, relationLimit);

    private static void Bind(NpgsqlParameterCollection parameters, string sql, IReadOnlyList<string> databases, int relationLimit)
    {
        if (sql.Contains("@" + Databases, StringComparison.Ordinal))
        {
            parameters.Add(new NpgsqlParameter<string[]>(Databases, [.. databases]));
        }

        if (sql.Contains("@" + RelationLimit, StringComparison.Ordinal))
        {
            parameters.Add(new NpgsqlParameter<int>(RelationLimit, relationLimit));
        }
    }
}
