using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Auth.Platform.Account.Passwords;

/// <summary>
/// Password digests imported from another system (Logto's <c>POST /api/users {passwordDigest, passwordAlgorithm}</c>):
/// Argon2i and Argon2id PHC strings, bcrypt (<c>$2a$/$2b$/$2y$</c>), and unsalted SHA-256 or MD5 hex digests, as Logto
/// accepts them. They are stored as given (the hex digests behind a <c>$sha256$</c>/<c>$md5$</c> marker, so the column
/// says what it holds), verified at sign-in, and replaced by our Argon2id hash the first time the password is known
/// (<see cref="PasswordVerification.SuccessRehashNeeded"/>).
/// </summary>
public static class ImportedPasswordDigest
{
    public static readonly string[] Algorithms = ["Argon2i", "Argon2id", "Bcrypt", "SHA256", "MD5"];
    private const int MaxLength = 256;
    // An imported parameter set costs what it says on every sign-in until upgraded: bounded so a digest cannot be a DoS.
    private const int MaxArgon2MemoryKiB = 256 * 1024;
    private const int MaxArgon2Iterations = 16;
    private const int MaxBcryptCost = 14;

    /// <summary>The value to store, or null when <paramref name="digest"/> is not a well-formed digest of <paramref name="algorithm"/>.</summary>
    public static string? Normalize(string algorithm, string digest)
    {
        if (digest.Length is 0 or > MaxLength) return null;
        return algorithm switch
        {
            "Argon2i" => Argon2.TryParse(digest, out var a) && a!.Variant == "argon2i" ? digest : null,
            "Argon2id" => Argon2.TryParse(digest, out var a) && a!.Variant == "argon2id" ? digest : null,
            "Bcrypt" => IsBcrypt(digest) ? digest : null,
            "SHA256" => IsHex(digest, 64) ? "$sha256$" + digest.ToLowerInvariant() : null,
            "MD5" => IsHex(digest, 32) ? "$md5$" + digest.ToLowerInvariant() : null,
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="stored"/> is an imported digest (anything but our own Argon2id PHC string).</summary>
    public static bool IsImported(string stored) =>
        stored.StartsWith("$sha256$", StringComparison.Ordinal) || stored.StartsWith("$md5$", StringComparison.Ordinal)
        || stored.StartsWith("$2", StringComparison.Ordinal) || stored.StartsWith("$argon2i$", StringComparison.Ordinal)
        || (stored.StartsWith("$argon2id$", StringComparison.Ordinal) && !PhcString.TryParse(stored, out _));

    /// <summary>Fixed-time comparison for every scheme; a malformed stored value never verifies.</summary>
    public static bool Verify(string stored, string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            if (stored.StartsWith("$sha256$", StringComparison.Ordinal)) return HexEquals(SHA256.HashData(bytes), stored["$sha256$".Length..]);
            if (stored.StartsWith("$md5$", StringComparison.Ordinal)) return HexEquals(MD5.HashData(bytes), stored["$md5$".Length..]);
            if (stored.StartsWith("$2", StringComparison.Ordinal)) return IsBcrypt(stored) && BCrypt.Net.BCrypt.Verify(password, stored);
            if (!Argon2.TryParse(stored, out var argon2)) return false;
            return CryptographicOperations.FixedTimeEquals(argon2!.Compute(bytes), argon2.Hash);
        }
        finally { CryptographicOperations.ZeroMemory(bytes); }
    }

    private static bool HexEquals(byte[] computed, string hex) =>
        IsHex(hex, computed.Length * 2) && CryptographicOperations.FixedTimeEquals(computed, Convert.FromHexString(hex));

    private static bool IsHex(string value, int length) => value.Length == length && value.All(Uri.IsHexDigit);

    /// <summary><c>$2a$NN$</c> + 53 characters of bcrypt's base64 (22 salt + 31 hash).</summary>
    private static bool IsBcrypt(string value) =>
        value.Length == 60 && value[0] == '$' && value[1] == '2' && value[2] is 'a' or 'b' or 'y' && value[3] == '$' && value[6] == '$'
        && int.TryParse(value.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var cost) && cost is >= 4 and <= MaxBcryptCost
        && value[7..].All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/');

    /// <summary>
    /// An Argon2 PHC string of another system: version 19 only (the Argon2 library here computes 1.3; a 1.0 digest would
    /// be checked with the wrong function), each of m, t, p exactly once, parameters within bounds.
    /// </summary>
    private sealed record Argon2(string Variant, int MemoryKiB, int Iterations, int Parallelism, byte[] Salt, byte[] Hash)
    {
        public static bool TryParse(string value, out Argon2? result)
        {
            result = null;
            var parts = value.Split('$');
            if (parts.Length != 6 || parts[0].Length != 0 || parts[1] is not ("argon2i" or "argon2id")) return false;
            if (parts[2] != "v=19") return false;
            int m = 0, t = 0, p = 0;
            foreach (var pair in parts[3].Split(','))
            {
                var kv = pair.Split('=');
                if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return false;
                switch (kv[0])
                {
                    case "m" when m == 0: m = n; break;
                    case "t" when t == 0: t = n; break;
                    case "p" when p == 0: p = n; break;
                    default: return false;
                }
            }
            if (m > MaxArgon2MemoryKiB || t > MaxArgon2Iterations || p is < 1 or > 16 || m < 8 * p || t < 1) return false;
            if (Decode(parts[4]) is not { Length: >= 8 } salt || Decode(parts[5]) is not { Length: >= 4 and <= 64 } hash) return false;
            result = new Argon2(parts[1], m, t, p, salt, hash);
            return true;
        }

        public byte[] Compute(byte[] password)
        {
            using Konscious.Security.Cryptography.Argon2 argon2 = Variant == "argon2i" ? new Argon2i(password) : new Argon2id(password);
            argon2.Salt = Salt;
            argon2.MemorySize = MemoryKiB;
            argon2.Iterations = Iterations;
            argon2.DegreeOfParallelism = Parallelism;
            return argon2.GetBytes(Hash.Length);
        }

        private static byte[]? Decode(string value)
        {
            if (value.Length == 0 || value.Contains('=')) return null;
            try { return Convert.FromBase64String(value + new string('=', (4 - value.Length % 4) % 4)); }
            catch (FormatException) { return null; }
        }
    }
}
