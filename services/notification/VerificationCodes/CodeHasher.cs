using System.Security.Cryptography;
using System.Text;

namespace Auth.Platform.Notification.VerificationCodes;

/// <summary>Code generation and storage form: 6 digits from the CSPRNG, kept as HMAC-SHA256(salt, id|code).</summary>
public static class CodeHasher
{
    public const int Digits = 6;

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(16);

    /// <summary>The id is mixed in so a hash copied onto another row does not verify there.</summary>
    public static byte[] Hash(byte[] salt, string id, string code) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(id + "|" + code));

    /// <summary>Constant time: how much of a guess matched must not show in the response time.</summary>
    public static bool Matches(byte[] salt, string id, string candidate, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(Hash(salt, id, candidate), expected);

    public static string NewId() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 21);
}
