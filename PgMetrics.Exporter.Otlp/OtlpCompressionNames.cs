namespace PgMetrics.Exporter.Otlp;

/// <summary>
/// The names of <see cref="OtlpCompression"/>: the <c>compression</c> key's values, the spool's file names,
/// and (but for <c>none</c>) the HTTP <c>Content-Encoding</c> tokens, which are the same words.
/// </summary>
internal static class OtlpCompressionNames
{
    /// <summary>Every name with its compression.</summary>
    public static readonly (string Name, OtlpCompression Value)[] All = [("gzip", OtlpCompression.Gzip), ("zstd", OtlpCompression.Zstd), ("none", OtlpCompression.None)];

    /// <summary>The name of <paramref name="compression"/>.</summary>
    public static string Name(OtlpCompression compression) => Array.Find(All, n => n.Value == compression).Name;

    /// <summary>The compression named <paramref name="name"/>, or null for an unknown name.</summary>
    public static OtlpCompression? Parse(string name)
    {
        foreach (var (known, value) in All)
        {
            if (known == name)
            {
                return value;
            }
        }

        return null;
    }
}
