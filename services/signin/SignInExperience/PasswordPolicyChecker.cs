namespace Auth.Platform.Signin.SignInExperience;

/// <summary>One reason a password is refused; codes are Logto's <c>PasswordRejectionCode</c>s.</summary>
public sealed record PasswordIssue(string Code, IReadOnlyDictionary<string, object>? Interpolation = null);

/// <summary>What the user is known by, for the "no personal information" rule.</summary>
public sealed record PasswordUserInfo(string? Username = null, string? Email = null, string? Phone = null, string? Name = null);

/// <summary>
/// Logto's password policy (packages/toolkit/core-kit/src/password-policy.ts), as a pure function of the policy, the
/// password and the user's details. The "pwned" rule uses a bundled list of common passwords instead of the HIBP API.
/// </summary>
public static class PasswordPolicyChecker
{
    public const string Symbols = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ";
    // A run this long of one character or of neighbours (alphabet, digits, a keyboard row) makes a password weak.
    public const int RunLength = 4;
    private static readonly string[] SequenceSources =
        ["abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"];

    public static IReadOnlySet<string> CommonPasswords { get; } = LoadCommonPasswords();

    public static IReadOnlyList<PasswordIssue> Check(string password, PasswordPolicySettings policy, PasswordUserInfo? user = null)
    {
        var issues = new List<PasswordIssue>();
        if (password.Length < policy.Length.Min) issues.Add(new("password_rejected.too_short", new Dictionary<string, object> { ["min"] = policy.Length.Min }));
        if (password.Length > policy.Length.Max) issues.Add(new("password_rejected.too_long", new Dictionary<string, object> { ["max"] = policy.Length.Max }));
        if (password.Any(c => char.IsControl(c))) issues.Add(new("password_rejected.unsupported_characters"));
        if (CharacterTypes(password) < policy.CharacterTypes.Min)
            issues.Add(new("password_rejected.character_types", new Dictionary<string, object> { ["min"] = policy.CharacterTypes.Min }));
        if (policy.Rejects.Pwned && CommonPasswords.Contains(password.ToLowerInvariant())) issues.Add(new("password_rejected.pwned"));
        if (policy.Rejects.RepetitionAndSequence)
        {
            if (HasRepetition(password)) issues.Add(new("password_rejected.restricted.repetition"));
            if (HasSequence(password)) issues.Add(new("password_rejected.restricted.sequence"));
        }
        if (policy.Rejects.UserInfo && user is not null && ContainsUserInfo(password, user)) issues.Add(new("password_rejected.restricted.user_info"));
        if (policy.Rejects.Words.Any(w => w.Length > 0 && password.Contains(w, StringComparison.OrdinalIgnoreCase)))
            issues.Add(new("password_rejected.restricted.words"));
        return issues;
    }

    /// <summary>Lowercase, uppercase, digits, symbols: how many kinds occur. Other letters (é, ß) count as lower/upper.</summary>
    public static int CharacterTypes(string password) =>
        (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
        + (password.Any(char.IsAsciiDigit) ? 1 : 0) + (password.Any(c => Symbols.Contains(c) || !char.IsLetterOrDigit(c) && !char.IsControl(c)) ? 1 : 0);

    public static bool HasRepetition(string password)
    {
        for (int i = 0, run = 1; i < password.Length; i++, run++)
        {
            if (i > 0 && char.ToLowerInvariant(password[i]) != char.ToLowerInvariant(password[i - 1])) run = 1;
            if (run >= RunLength) return true;
        }
        return false;
    }

    /// <summary>Ascending or descending runs of <see cref="RunLength"/> from the alphabet, digits or a keyboard row.</summary>
    public static bool HasSequence(string password)
    {
        var lower = password.ToLowerInvariant();
        for (var i = 0; i + RunLength <= lower.Length; i++)
        {
            var window = lower.Substring(i, RunLength);
            var reversed = new string(window.Reverse().ToArray());
            if (SequenceSources.Any(s => s.Contains(window, StringComparison.Ordinal) || s.Contains(reversed, StringComparison.Ordinal))) return true;
        }
        return false;
    }

    public static bool ContainsUserInfo(string password, PasswordUserInfo user)
    {
        var parts = new List<string?> { user.Username, user.Email?.Split('@')[0], user.Phone is { } p ? new string(p.Where(char.IsAsciiDigit).ToArray()) : null };
        if (user.Name is { } name) parts.AddRange([name, .. name.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        // Very short fragments (a 2-letter name) would refuse half the dictionary; Logto also ignores them.
        return parts.Any(part => part is { Length: >= 3 } && password.Contains(part, StringComparison.OrdinalIgnoreCase));
    }

    private static HashSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(PasswordPolicyChecker).Assembly.GetManifestResourceStream("SignInExperience.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && !line.StartsWith('#')) set.Add(line.ToLowerInvariant());
        return set;
    }
}
