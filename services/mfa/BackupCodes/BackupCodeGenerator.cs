using System.Security.Cryptography;
using System.Text;

namespace Auth.Platform.Mfa.BackupCodes;

/// <summary>
/// Backup codes: 10 per set like Logto, but 16 hex characters (64 bits) instead of Logto's 10 (40 bits): B-5 asks for
/// at least 50 bits, and at 64 bits NIST 800-63B no longer requires rate limiting (we still apply it). Stored as
/// SHA-256(salt ‖ code) with a 16-byte salt per code; input is compared case-insensitively, ignoring spaces and dashes.
/// </summary>
public static class BackupCodeGenerator
{
    public const int CodeCount = 10;
    public const int CodeLength = 16;

    public static string[] NewCodes() =>
        [.. Enumerable.Range(0, CodeCount).Select(_ => Convert.ToHexString(RandomNumberGenerator.GetBytes(CodeLength / 2)).ToLowerInvariant())];

    public static (byte[] Salt, byte[] Hash) Hash(string code)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (salt, Hash(salt, code));
    }

    public static byte[] Hash(byte[] salt, string code) => SHA256.HashData([.. salt, .. Encoding.ASCII.GetBytes(code)]);

    /// <summary>The canonical form of what a user typed, or null when it cannot be a code.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null || input.Length > 64) return null;
        var code = new string([.. input.Where(c => c is not (' ' or '-'))]).ToLowerInvariant();
        return code.Length == CodeLength && code.All(char.IsAsciiHexDigit) ? code : null;
    }

    public static bool Matches(byte[] salt, byte[] hash, string normalizedCode) =>
        CryptographicOperations.FixedTimeEquals(Hash(salt, normalizedCode), hash);
}
