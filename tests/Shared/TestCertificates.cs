using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PgMetrics.Tests.Shared;

/// <summary>A throwaway certificate authority, and a server certificate it signed for localhost.</summary>
public sealed class TestCertificates
{
    private TestCertificates()
    {
        using var authorityKey = RSA.Create(2048);
        var authorityRequest = new CertificateRequest("CN=PgMetrics test CA", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        PemCertificate = authority.ExportCertificatePem() + "\n";

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var signed = serverRequest.Create(authority, now.AddDays(-1), now.AddDays(7), RandomNumberGenerator.GetBytes(16));
        // Kestrel needs the key in a form it can use for the handshake: a PKCS#12 round trip gives one.
        Server = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>One authority for a whole test run.</summary>
    public static TestCertificates Authority { get; } = new();

    /// <summary>Another authority, which <see cref="Authority"/>'s clients must not trust.</summary>
    public static TestCertificates Other { get; } = new();

    /// <summary>The CA certificate in PEM, as a CA file or a bundle entry.</summary>
    public string PemCertificate { get; }

    /// <summary>The server certificate for localhost, with its private key.</summary>
    public X509Certificate2 Server { get; }
}
