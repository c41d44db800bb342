using System.IO.Compression;

namespace PgMetrics.TestOtlp;

/// <summary>Request bodies as an OTLP receiver reads them: by their <c>Content-Encoding</c>, or as a spool file's name states it.</summary>
public static class RequestBodies
{
    /// <summary>The body decompressed: <c>gzip</c>, <c>zstd</c>, or anything else as it is.</summary>
    public static byte[] Decompress(byte[] body, string encoding)
    {
        switch (encoding)
        {
            case "gzip":
                using (var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress))
                using (var output = new MemoryStream())
                {
                    gzip.CopyTo(output);
                    return output.ToArray();
                }

            case "zstd":
                using (var zstd = new ZstdSharp.Decompressor())
                {
                    return zstd.Unwrap(body).ToArray();
                }

            default:
                return body;
        }
    }

    /// <summary>
    /// The OTLP request a spool file holds. Its name is <c>&lt;id&gt;~&lt;points&gt;~&lt;request bytes&gt;~&lt;compression&gt;.otlp</c>;
    /// an earlier release's <c>&lt;id&gt;~&lt;points&gt;.otlp</c> is uncompressed.
    /// </summary>
    public static byte[] ReadSpooled(string path)
    {
        var parts = Path.GetFileNameWithoutExtension(path).Split('~');
        return Decompress(File.ReadAllBytes(path), parts.Length == 4 ? parts[3] : "none");
    }
}
