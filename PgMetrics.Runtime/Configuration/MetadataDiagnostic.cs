namespace PgMetrics.Runtime.Configuration;

/// <summary>
/// A mistake in a metadata file named by the config (<c>metadata_files</c>), as the metadata.yaml parser reported
/// it. Only its id and printed form are kept, so the runtime needs no reference to the parser (PgMetrics.Metadata):
/// the collector, which reads metadata files, fills them in.
/// </summary>
/// <param name="Id">The diagnostic id, e.g. <c>PGM007</c>.</param>
/// <param name="Printed">The mistake as <c>dotnet build</c> prints it for the same file: <c>file(line,column): error PGM007: message</c>.</param>
internal sealed record MetadataDiagnostic(string Id, string Printed);
