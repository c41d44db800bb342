using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Queries;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Fingerprints;

/// <summary>
/// PostgreSQL is the oracle: every statement of <see cref="OracleCorpus"/> is run on the server, and the
/// fingerprint of the statement as sent must equal the fingerprint of pg_stat_statements' own normalized
/// text of it, on every version. Each statement ends with a unique marker comment (pg_stat_statements
/// keeps a trailing comment) and runs right after a reset of this database's statistics, so its row is
/// found by the marker and holds its own text, not that of an earlier statement with the same query id.
/// </summary>
public sealed partial class FingerprintOracleTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_statement_and_pg_stat_statements_text_of_it_share_a_fingerprint(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync(OracleCorpus.Schema, Cancel);
        var corpus = OracleCorpus.All.Where(s => s.MinVersion <= major).ToList();

        var failures = new StringBuilder();
        var compared = 0;
        for (var n = 0; n < corpus.Count; n++)
        {
            var statement = corpus[n];
            var marker = $"/* fingerprint-oracle {n} */";
            var sql = statement.Sql.Replace("{database}", database.Name, StringComparison.Ordinal);

            // The marker goes before a final semicolon: pg_stat_statements' text of a statement ends there.
            var sent = sql.EndsWith(';') ? sql[..^1] + " " + marker + ";" : sql + "\n" + marker;
            var (serverText, error) = await RunAndReadBackAsync(database, statement, sent, marker);
            if (serverText is null)
            {
                failures.Append("- not recorded by pg_stat_statements: ").Append(statement).Append(error is null ? string.Empty : " (" + error + ")").AppendLine();
                continue;
            }

            compared++;
            var ours = QueryFingerprinter.Fingerprint(sent);
            var theirs = QueryFingerprinter.Fingerprint(serverText);
            if (statement.KeepsArrayBounds && Bounds(serverText) is var kept && (kept.Count == 0 || !kept.SequenceEqual(Bounds(ours.NormalizedText))))
            {
                failures.AppendLine($"- array bounds: {sent.ReplaceLineEndings(" ")}")
                    .AppendLine($"  server text:  {serverText.ReplaceLineEndings(" ")} keeps {string.Join(" ", kept)}")
                    .AppendLine($"  ours of sent: {ours.NormalizedText}");
            }

            if (ours.Value != theirs.Value)
            {
                failures.AppendLine($"- sent:         {sent.ReplaceLineEndings(" ")}")
                    .AppendLine($"  server text:  {serverText.ReplaceLineEndings(" ")}")
                    .AppendLine($"  ours of sent: {ours.NormalizedText}")
                    .AppendLine($"  ours of text: {theirs.NormalizedText}");
            }
        }

        Assert.True(failures.Length == 0, $"PostgreSQL {major}: {compared} of {corpus.Count} statements compared; these disagree:\n{failures}");
        Assert.Equal(corpus.Count, compared);
    }

    /// <summary>The <c>[n]</c> of a text with a number in the brackets, in order: array bounds in pg_stat_statements' text (its subscripts are <c>[$n]</c>).</summary>
    private static List<string> Bounds(string text) => [.. ArrayBound().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\[[0-9]+\]")]
    private static partial Regex ArrayBound();

    /// <summary>
    /// Runs the statement in a fresh session and returns pg_stat_statements' text of it. Another test
    /// may reset all statistics between the run and the read; then the statement runs again.
    /// </summary>
    private static async Task<(string? Text, string? Error)> RunAndReadBackAsync(TestDatabase database, OracleStatement statement, string sent, string marker)
    {
        string? error = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(Cancel);
            await ExecuteAsync(connection, "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)");
            try
            {
                foreach (var before in statement.Before)
                {
                    await ExecuteAsync(connection, before);
                }

                await RunAsync(connection, statement, sent);
                foreach (var after in statement.After)
                {
                    await ExecuteAsync(connection, after);
                }
            }
            catch (PostgresException ex)
            {
                return (null, ex.MessageText);
            }

            await using var read = new NpgsqlCommand(
                "SELECT query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND strpos(query, $1) > 0",
                connection);
            read.Parameters.Add(new NpgsqlParameter { Value = marker });
            var texts = new List<string>();
            await using (var reader = await read.ExecuteReaderAsync(Cancel))
            {
                while (await reader.ReadAsync(Cancel))
                {
                    texts.Add(reader.GetString(0));
                }
            }

            if (texts.Count == 1)
            {
                return (texts[0], null);
            }

            error = texts.Count == 0 ? "no row" : $"{texts.Count} rows";
        }

        return (null, error);
    }

    private static async Task RunAsync(NpgsqlConnection connection, OracleStatement statement, string sent)
    {
        if (statement.IsCopy)
        {
            using var export = await connection.BeginTextExportAsync(sent, Cancel);
            await export.ReadToEndAsync(Cancel);
            return;
        }

        await using var command = new NpgsqlCommand(sent, connection);
        foreach (var value in statement.Parameters ?? [])
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(Cancel);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }
}
