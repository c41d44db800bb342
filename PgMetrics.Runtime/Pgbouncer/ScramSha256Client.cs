using System.Security.Cryptography;
using System.Text;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL and PgBouncer speak it: no channel
/// binding (<c>n,,</c>), an empty user name in the messages (the startup message names the user). Hand-written
/// because Npgsql, which has one, cannot talk to the admin console (it only sends the extended query
/// protocol, npgsql/npgsql#3294), and no other .NET library offers SCRAM on its own. The password is used
/// as UTF-8 without SASLprep, as PostgreSQL does when SASLprep does not apply.
/// </summary>
internal sealed class ScramSha256Client
{
    /// <summary>The SASL mechanism name.</summary>
    public const string Mechanism = "SCRAM-SHA-256";

    private const string Gs2Header = "n,,";

    private readonly string _password;
    private readonly string _clientNonce;
    private byte[]? _expectedServerSignature;

    /// <summary>Starts an exchange for <paramref name="password"/> with a fresh random nonce.</summary>
    public ScramSha256Client(string password)
    {
        _password = password;
        _clientNonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    }

    private string ClientFirstBare => "n=,r=" + _clientNonce;

    /// <summary>The client-first message, sent in SASLInitialResponse.</summary>
    public byte[] ClientFirstMessage() => Encoding.UTF8.GetBytes(Gs2Header + ClientFirstBare);

    /// <summary>Answers the server-first message (<c>r=…,s=…,i=…</c>) with the client-final message and its proof.</summary>
    /// <exception cref="AuthenticationFailedException">The server's message is malformed or its nonce does not extend ours.</exception>
    public byte[] ClientFinalMessage(byte[] serverFirstMessage)
    {
        var serverFirst = Encoding.UTF8.GetString(serverFirstMessage);
        var fields = Fields(serverFirst);
        if (!fields.TryGetValue('r', out var nonce) || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal)
            || !fields.TryGetValue('s', out var saltText) || !fields.TryGetValue('i', out var iterationsText)
            || !int.TryParse(iterationsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            throw new AuthenticationFailedException("the server's SCRAM-SHA-256 challenge is malformed");
        }

        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(saltText);
        }
        catch (FormatException)
        {
            throw new AuthenticationFailedException("the server's SCRAM-SHA-256 salt is not base64");
        }

        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var withoutProof = "c=" + Convert.ToBase64String(Encoding.ASCII.GetBytes(Gs2Header)) + ",r=" + nonce;
        var authMessage = Encoding.UTF8.GetBytes(ClientFirstBare + "," + serverFirst + "," + withoutProof);
        var clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        var proof = new byte[clientKey.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        }

        var serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        _expectedServerSignature = HMACSHA256.HashData(serverKey, authMessage);
        return Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(proof));
    }

    /// <summary>Checks the server-final message (<c>v=…</c>): the server proves it knew the password too.</summary>
    /// <exception cref="AuthenticationFailedException">The signature is missing or wrong.</exception>
    public void VerifyServerFinalMessage(byte[] serverFinalMessage)
    {
        var fields = Fields(Encoding.UTF8.GetString(serverFinalMessage));
        if (fields.TryGetValue('e', out var error))
        {
            throw new AuthenticationFailedException("the server rejected the SCRAM-SHA-256 proof: " + error);
        }

        byte[] signature;
        try
        {
            signature = fields.TryGetValue('v', out var text) ? Convert.FromBase64String(text) : [];
        }
        catch (FormatException)
        {
            signature = [];
        }

        if (_expectedServerSignature is null || !CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
        {
            throw new AuthenticationFailedException("the server's SCRAM-SHA-256 signature does not match: it does not know the password");
        }
    }

    private static Dictionary<char, string> Fields(string message)
        => message.Split(',')
            .Where(part => part.Length >= 2 && part[1] == '=')
            .GroupBy(part => part[0])
            .ToDictionary(group => group.Key, group => group.First()[2..]);
}
