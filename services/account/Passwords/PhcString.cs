using System.Globalization;

namespace Auth.Platform.Account.Passwords;

/// <summary>
/// The PHC string format for Argon2id (<c>$argon2id$v=19$m=7168,t=5,p=1$&lt;salt&gt;$&lt;hash&gt;</c>), base64 without
/// padding as in the reference implementation, so hashes are portable to and from libargon2-based systems.
/// </summary>
public sealed record PhcString(Argon2Parameters Parameters, byte[] Salt, byte[] Hash)
{
    public const int Version = 19;

    public override string ToString() =>
        $"$argon2id$v={Version}$m={Parameters.MemoryKiB},t={Parameters.Iterations},p={Parameters.Parallelism}${Encode(Salt)}${Encode(Hash)}";

    public static bool TryParse(string? value, out PhcString? phc)
    {
        phc = null;
        if (value is null) return false;
        var parts = value.Split('$');
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.Length != 6 || parts[0].Length != 0 || parts[1] != "argon2id" || parts[2] != $"v={Version}") return false;
        int? m = null, t = null, p = null;
        foreach (var pair in parts[3].Split(','))
        {
            var kv = pair.Split('=');
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return false;
            switch (kv[0])
            {
                case "m" when m is null: m = n; break;
                case "t" when t is null: t = n; break;
                case "p" when p is null: p = n; break;
                default: return false;
            }
        }
        if (m is null || t is null || p is null || m < 8 * p) return false;
        var parameters = new Argon2Parameters(m.Value, t.Value, p.Value);
        var max = Argon2Parameters.Maximum;
        if (m > max.MemoryKiB || t > max.Iterations || p > max.Parallelism) return false;
        var salt = Decode(parts[4]);
        var hash = Decode(parts[5]);
        if (salt is not { Length: >= 8 } || hash is not { Length: >= 16 and <= 64 }) return false;
        phc = new PhcString(parameters, salt, hash);
        return true;
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? Decode(string value)
    {
        if (value.Length == 0 || value.Contains('=')) return null;
        var padded = value + new string('=', (4 - value.Length % 4) % 4);
        try { return Convert.FromBase64String(padded); }
        catch (FormatException) { return null; }
    }
}
