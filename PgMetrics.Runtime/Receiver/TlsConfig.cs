using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Runtime.Receiver;

/// <summary>The receiver's <c>tls</c> block, with the OpenTelemetry receiver's keys and defaults.</summary>
public sealed record TlsConfig
{
    /// <summary>The keys the block takes.</summary>
    internal static readonly string[] Keys = ["insecure", "insecure_skip_verify", "ca_file", "cert_file", "key_file"];

    /// <summary>true: connect without TLS. false (the default, as in OpenTelemetry): require TLS.</summary>
    public bool Insecure { get; init; }

    /// <summary>Use TLS but accept any server certificate.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>A CA certificate file (PEM) the server's certificate must chain to; with it the host name is verified too (verify-full).</summary>
    public string? CaFile { get; init; }

    /// <summary>A client certificate file (PEM), for certificate authentication.</summary>
    public string? CertFile { get; init; }

    /// <summary>The client certificate's private key file (PEM).</summary>
    public string? KeyFile { get; init; }

    /// <summary>Reads the block; absent keys keep the values of <paramref name="defaults"/> (a target list's block, for a target in it), else the OpenTelemetry defaults.</summary>
    internal static TlsConfig Read(ConfigSection tls, TlsConfig? defaults = null)
    {
        defaults ??= new TlsConfig();
        return new()
        {
            Insecure = tls.Bool("insecure") ?? defaults.Insecure,
            InsecureSkipVerify = tls.Bool("insecure_skip_verify") ?? defaults.InsecureSkipVerify,
            CaFile = tls.ExistingFile("ca_file") ?? defaults.CaFile,
            CertFile = tls.ExistingFile("cert_file") ?? defaults.CertFile,
            KeyFile = tls.ExistingFile("key_file") ?? defaults.KeyFile,
        };
    }
}
