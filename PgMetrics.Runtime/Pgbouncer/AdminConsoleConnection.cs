using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// A session on PgBouncer's admin console that sends SHOW commands with the simple query protocol. The
/// console accepts nothing else, and Npgsql always uses the extended protocol (Parse/Bind/Execute, which
/// the console answers with "unsupported pkt type"; npgsql/npgsql#3294), so the few messages needed are
/// written here: SSL request and TLS, startup, trust/cleartext/MD5/SCRAM-SHA-256 login, Query, Terminate.
/// </summary>
public sealed class AdminConsoleConnection : IAsyncDisposable
{
    private const int ProtocolVersion3 = 196608;
    private const int SslRequestCode = 80877103;

    private readonly ProtocolStream _stream;

    private AdminConsoleConnection(ProtocolStream stream, string serverVersion)
    {
        _stream = stream;
        ServerVersion = serverVersion;
    }

    /// <summary>PgBouncer's <c>server_version</c> parameter, e.g. <c>1.18.0/bouncer</c>.</summary>
    public string ServerVersion { get; }

    /// <summary>PgBouncer's version as one number in the form of <c>server_version_num</c> (1.18.0 → 11800), or 0 when unreadable.</summary>
    public int VersionNum
    {
        get
        {
            var parts = ServerVersion.Split('/')[0].Split('.');
            return parts.Length >= 2 && int.TryParse(parts[0], out var major) && int.TryParse(parts[1], out var minor)
                ? (major * 10000) + (minor * 100) + (parts.Length > 2 && int.TryParse(parts[2], out var patch) ? patch : 0)
                : 0;
        }
    }

    /// <summary>Connects, sets up TLS as <paramref name="options"/> say, and logs in to the <c>pgbouncer</c> database.</summary>
    /// <exception cref="AdminConsoleException">PgBouncer refused the login (<see cref="AdminConsoleException.DuringLogin"/>).</exception>
    /// <exception cref="AuthenticationFailedException">The login method is not supported, no password was given for one that needs it, or the server failed SCRAM's proof.</exception>
    /// <exception cref="SocketException">PgBouncer could not be reached.</exception>
    /// <exception cref="IOException">The connection broke, TLS failed, or the peer does not speak the protocol.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async Task<AdminConsoleConnection> OpenAsync(AdminConsoleOptions options, CancellationToken cancellationToken)
    {
        var socket = options.UnixSocket
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ProtocolStream? stream = null;
        try
        {
            if (options.UnixSocket)
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(options.Host, ".s.PGSQL." + options.Port)), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            }

            stream = new ProtocolStream(new NetworkStream(socket, ownsSocket: true));
            if (!options.UnixSocket && options.Tls.Mode != AdminConsoleTlsMode.Disable)
            {
                stream.Stream = await StartTlsAsync(stream, options, cancellationToken).ConfigureAwait(false);
            }

            await stream.SendAsync(0, body =>
            {
                ProtocolStream.WriteInt32(body, ProtocolVersion3);
                foreach (var (name, value) in new[] { ("user", options.Username), ("database", "pgbouncer"), ("application_name", options.ApplicationName), ("client_encoding", "UTF8") })
                {
                    ProtocolStream.WriteCString(body, name);
                    ProtocolStream.WriteCString(body, value);
                }

                body.Write([(byte)0]);
            }, cancellationToken).ConfigureAwait(false);

            var serverVersion = await LogInAsync(stream, options, cancellationToken).ConfigureAwait(false);
            return new AdminConsoleConnection(stream, serverVersion);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command (a SHOW) and reads its rows.</summary>
    /// <exception cref="AdminConsoleException">PgBouncer refused the command; the session can go on.</exception>
    /// <exception cref="IOException">The connection broke or the answer is not the protocol.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the session is unusable then.</exception>
    public async Task<ShowResult> ShowAsync(string command, CancellationToken cancellationToken)
    {
        await _stream.SendAsync((byte)'Q', body => ProtocolStream.WriteCString(body, command), cancellationToken).ConfigureAwait(false);
        var columns = new List<string>();
        var rows = new List<string?[]>();
        AdminConsoleException? error = null;
        while (true)
        {
            var (type, payload) = await _stream.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            switch ((char)type)
            {
                case 'T':
                    columns = ReadColumnNames(payload);
                    break;
                case 'D':
                    rows.Add(ReadRow(payload));
                    break;
                case 'E':
                    error = ReadError(payload, duringLogin: false);
                    break;
                case 'Z':
                    return error is null ? new ShowResult(command, columns, rows) : throw error;
                default:
                    // CommandComplete, EmptyQueryResponse, notices and parameter changes carry nothing needed.
                    break;
            }
        }
    }

    /// <summary>Says goodbye (Terminate) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _stream.SendAsync((byte)'X', _ => { }, quick.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is going away either way.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<Stream> StartTlsAsync(ProtocolStream stream, AdminConsoleOptions options, CancellationToken cancellationToken)
    {
        await stream.SendAsync(0, body =>
        {
            ProtocolStream.WriteInt32(body, SslRequestCode);
        }, cancellationToken).ConfigureAwait(false);
        if (await stream.ReadByteAsync(cancellationToken).ConfigureAwait(false) != (byte)'S')
        {
            throw new IOException("PgBouncer does not accept TLS (client_tls_sslmode is disable); set tls.insecure: true to connect without it");
        }

        var tls = options.Tls;
        X509Certificate2? ca = tls.CaFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(tls.CaFile);
        var ssl = new SslStream(stream.Stream, leaveInnerStreamOpen: false, (_, certificate, chain, errors) => Accept(tls.Mode, ca, certificate, errors));
        var authentication = new SslClientAuthenticationOptions { TargetHost = options.Host };
        if (tls.CertFile is not null)
        {
            authentication.ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile)];
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new IOException("TLS with PgBouncer failed: " + ex.Message, ex);
        }

        return ssl;
    }

    private static bool Accept(AdminConsoleTlsMode mode, X509Certificate2? ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (mode == AdminConsoleTlsMode.Require)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        if (ca is null)
        {
            return errors == SslPolicyErrors.None;
        }

        // The chain must end at the configured CA, not at any root the system trusts.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private static async Task<string> LogInAsync(ProtocolStream stream, AdminConsoleOptions options, CancellationToken cancellationToken)
    {
        ScramSha256Client? scram = null;
        var serverVersion = string.Empty;
        while (true)
        {
            var (type, payload) = await stream.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            switch ((char)type)
            {
                case 'R':
                    scram = await AuthenticateAsync(stream, options, payload, scram, cancellationToken).ConfigureAwait(false);
                    break;
                case 'S':
                    var parameter = new PayloadReader(payload);
                    if (parameter.ReadCString() == "server_version")
                    {
                        serverVersion = parameter.ReadCString();
                    }

                    break;
                case 'E':
                    throw ReadError(payload, duringLogin: true);
                case 'Z':
                    return serverVersion;
                default:
                    // BackendKeyData and notices: not needed.
                    break;
            }
        }
    }

    /// <summary>Answers one Authentication request; returns the SCRAM exchange in progress, if any.</summary>
    private static async Task<ScramSha256Client?> AuthenticateAsync(ProtocolStream stream, AdminConsoleOptions options, byte[] payload, ScramSha256Client? scram, CancellationToken cancellationToken)
    {
        var reader = new PayloadReader(payload);
        var code = reader.ReadInt32();
        switch (code)
        {
            case 0:
                return null;
            case 3:
                await SendPasswordAsync(stream, Password(options, "cleartext"), cancellationToken).ConfigureAwait(false);
                return null;
            case 5:
                var salt = reader.Take(4).ToArray();
                await SendPasswordAsync(stream, Md5Password(options.Username, Password(options, "MD5"), salt), cancellationToken).ConfigureAwait(false);
                return null;
            case 10:
                var mechanisms = new List<string>();
                while (!reader.AtEnd && reader.ReadCString() is { Length: > 0 } mechanism)
                {
                    mechanisms.Add(mechanism);
                }

                if (!mechanisms.Contains(ScramSha256Client.Mechanism))
                {
                    throw new AuthenticationFailedException($"PgBouncer offers SASL mechanisms {string.Join(", ", mechanisms)}; only {ScramSha256Client.Mechanism} is supported");
                }

                var client = new ScramSha256Client(Password(options, ScramSha256Client.Mechanism));
                var first = client.ClientFirstMessage();
                await stream.SendAsync((byte)'p', body =>
                {
                    ProtocolStream.WriteCString(body, ScramSha256Client.Mechanism);
                    ProtocolStream.WriteInt32(body, first.Length);
                    body.Write(first);
                }, cancellationToken).ConfigureAwait(false);
                return client;
            case 11 when scram is not null:
                var final = scram.ClientFinalMessage(reader.Rest().ToArray());
                await stream.SendAsync((byte)'p', body => body.Write(final), cancellationToken).ConfigureAwait(false);
                return scram;
            case 12 when scram is not null:
                scram.VerifyServerFinalMessage(reader.Rest().ToArray());
                return null;
            default:
                throw new AuthenticationFailedException($"PgBouncer asks for authentication method {code}, which PgMetrics does not support (trust, password, md5 and scram-sha-256 are)");
        }
    }

    private static string Password(AdminConsoleOptions options, string method)
        => options.Password ?? throw new AuthenticationFailedException($"PgBouncer asks for a password ({method}) and none is configured");

    private static Task SendPasswordAsync(ProtocolStream stream, string password, CancellationToken cancellationToken)
        => stream.SendAsync((byte)'p', body => ProtocolStream.WriteCString(body, password), cancellationToken);

    /// <summary><c>"md5" + md5(md5(password + user) + salt)</c> in hex, as PostgreSQL defines it.</summary>
    private static string Md5Password(string user, string password, byte[] salt)
    {
#pragma warning disable CA5351 // MD5 is what the md5 authentication method is made of; PgBouncer asked for it.
        var inner = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));
        var outer = MD5.HashData([.. Encoding.ASCII.GetBytes(inner), .. salt]);
#pragma warning restore CA5351
        return "md5" + Convert.ToHexStringLower(outer);
    }

    private static List<string> ReadColumnNames(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        var count = reader.ReadInt16();
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            names.Add(reader.ReadCString());
            reader.Take(18); // table oid, column number, type oid, type size, type modifier, format code
        }

        return names;
    }

    private static string?[] ReadRow(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        var values = new string?[reader.ReadInt16()];
        for (var i = 0; i < values.Length; i++)
        {
            var length = reader.ReadInt32();
            values[i] = length < 0 ? null : Encoding.UTF8.GetString(reader.Take(length));
        }

        return values;
    }

    private static AdminConsoleException ReadError(byte[] payload, bool duringLogin)
    {
        var reader = new PayloadReader(payload);
        string sqlState = "XX000", message = "(no message)";
        while (!reader.AtEnd && reader.ReadByte() is var field and not 0)
        {
            var value = reader.ReadCString();
            if (field == (byte)'C')
            {
                sqlState = value;
            }
            else if (field == (byte)'M')
            {
                message = value;
            }
        }

        return new AdminConsoleException(sqlState, message, duringLogin);
    }
}
