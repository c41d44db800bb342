namespace PgMetrics.IntegrationTests.Fingerprints;

/// <summary>
/// One statement of the fingerprint oracle's corpus: sent as written (with parameters over the extended
/// protocol when it has any), in a session that first runs <see cref="Before"/> and afterwards
/// <see cref="After"/> (a transaction to be inside, a cursor to fetch from, the EXECUTE that makes
/// pg_stat_statements record a PREPARE).
/// </summary>
public sealed record OracleStatement(string Sql)
{
    /// <summary>The first major version that accepts the statement, or records it in pg_stat_statements.</summary>
    public int MinVersion { get; init; } = 12;

    public IReadOnlyList<string> Before { get; init; } = [];

    public IReadOnlyList<string> After { get; init; } = [];

    /// <summary>Values for $1, $2, … sent as parameters; null sends the text alone.</summary>
    public IReadOnlyList<object>? Parameters { get; init; }

    /// <summary>
    /// The statement has type names with array bounds (<c>int[3]</c>), which pg_stat_statements keeps as written: every
    /// <c>[n]</c> of its text must stay in the normalized text. (Sharing a fingerprint alone cannot tell: a bound taken
    /// for a constant becomes a placeholder in the statement and in the server's text alike.)
    /// </summary>
    public bool KeepsArrayBounds { get; init; }

    /// <summary>A COPY … TO STDOUT, read to its end.</summary>
    public bool IsCopy { get; init; }

    public override string ToString() => Sql.Length > 120 ? Sql[..117] + "..." : Sql;
}
