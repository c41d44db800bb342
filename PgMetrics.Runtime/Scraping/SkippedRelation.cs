namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// A table or index the per-relation queries left out of a scrape because an ACCESS EXCLUSIVE lock on it is held or
/// waited for (a migration's <c>ALTER TABLE</c>, <c>LOCK TABLE</c>, <c>REINDEX</c>): reading its size would queue
/// behind that lock. Found in <c>pg_locks</c>; see <see cref="LockedRelations"/>.
/// </summary>
/// <param name="Database">The database the relation is in.</param>
/// <param name="Schema">The relation's schema (<c>pg_namespace.nspname</c>).</param>
/// <param name="Relation">The relation's name (<c>pg_class.relname</c>).</param>
/// <param name="Reason">Whether the lock is held or waited for, and by which process ID.</param>
public sealed record SkippedRelation(string Database, string Schema, string Relation, string Reason)
{
    /// <inheritdoc/>
    public override string ToString()
        => $"relation {Schema}.{Relation} in database '{Database}' left out of the per-table and per-index metrics until its lock is released: {Reason}";
}
