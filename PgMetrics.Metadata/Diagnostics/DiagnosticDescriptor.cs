namespace PgMetrics.Metadata.Diagnostics;

/// <summary>
/// One kind of mistake in a metadata.yaml: its stable id (<c>PGM001</c>…), a title and a message
/// format whose <c>{0}</c>, <c>{1}</c>… placeholders a <see cref="DiagnosticInfo"/> fills. Every
/// kind is an error and is documented in docs/diagnostics.md under its id.
/// </summary>
/// <param name="Id">The stable id, e.g. <c>PGM007</c>.</param>
/// <param name="Title">A short title for the kind of mistake.</param>
/// <param name="MessageFormat">The message, with <see cref="string.Format(string, object[])"/> placeholders for the arguments.</param>
public sealed record DiagnosticDescriptor(string Id, string Title, string MessageFormat)
{
    /// <summary>Where the id is explained: its section of docs/diagnostics.md.</summary>
    public string HelpLinkUri => "https://github.com/pgmetrics/pgmetrics/blob/main/docs/diagnostics.md#" + Id.ToLowerInvariant();
}
