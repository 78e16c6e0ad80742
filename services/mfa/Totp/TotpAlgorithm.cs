using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Auth.Platform.Mfa.Totp;

/// <summary>
/// RFC 6238 TOTP over RFC 4226 HOTP, with the parameters every authenticator app assumes when the URI says nothing:
/// HMAC-SHA-1, 6 digits, 30 s steps. Verification accepts one step either side (clock drift, Logto's <c>window: 1</c>).
/// </summary>
public static class TotpAlgorithm
{
    public const int Digits = 6;
    public const int StepSeconds = 30;
    public const int SecretBytes = 20;
    /// <summary>Steps accepted either side of the current one.</summary>
    public const int Window = 1;

    public static long TimeStep(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeSeconds(), StepSeconds, out var r) - (r < 0 ? 1 : 0);

    public static string Hotp(ReadOnlySpan<byte> key, long counter, int digits = Digits, HashAlgorithmName? algorithm = null)
    {
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        var hash = (algorithm ?? HashAlgorithmName.SHA1).Name switch
        {
            "SHA1" => HMACSHA1.HashData(key, message),
            "SHA256" => HMACSHA256.HashData(key, message),
            "SHA512" => HMACSHA512.HashData(key, message),
            var name => throw new ArgumentOutOfRangeException(nameof(algorithm), name, "HMAC-SHA-1, -256 or -512 only."),
        };
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset, 4)) & 0x7fffffff;
        var modulus = (int)Math.Pow(10, digits);
        return (binary % modulus).ToString(new string('0', digits), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string Code(ReadOnlySpan<byte> key, DateTimeOffset time, int digits = Digits, HashAlgorithmName? algorithm = null) =>
        Hotp(key, TimeStep(time), digits, algorithm);

    /// <summary>
    /// The time step the code belongs to, or null. Steps at or before <paramref name="lastUsedStep"/> never match, so a
    /// code (or an earlier one still inside the window) is accepted once (RFC 6238 §5.2, NIST 800-63B 5.1.4.2).
    /// Every candidate step is computed and compared in constant time, so timing does not tell which step matched.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> key, string code, DateTimeOffset now, long? lastUsedStep)
    {
        if (code.Length != Digits || !code.All(char.IsAsciiDigit)) return null;
        var current = TimeStep(now);
        long? matched = null;
        var given = Encoding.ASCII.GetBytes(code);
        for (var step = current - Window; step <= current + Window; step++)
        {
            var equal = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hotp(key, step)), given);
            if (equal && matched is null && (lastUsedStep is null || step > lastUsedStep)) matched = step;
        }
        return matched;
    }

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>The <c>otpauth://</c> URI of Google Authenticator's key-uri format (label <c>issuer:account</c>).</summary>
    public static string OtpAuthUri(string base32Secret, string issuer, string accountName) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(accountName)}" +
        $"?secret={base32Secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
}

/// <summary>RFC 4648 base32 (upper-case alphabet, no padding), the encoding authenticator apps take secrets in.</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) sb.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }

    public static byte[] Decode(string text)
    {
        var trimmed = text.TrimEnd('=').Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var output = new List<byte>(trimmed.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in trimmed)
        {
            var value = Alphabet.IndexOf(c);
            if (value < 0) throw new FormatException("Not base32.");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }
}
