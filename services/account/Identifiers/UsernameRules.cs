using System.Text.RegularExpressions;

namespace Auth.Platform.Account.Identifiers;

/// <summary>Logto's username rule, kept beside the email and phone rules so lookups and writes agree.</summary>
public static partial class UsernameRules
{
    public const int MaxLength = 128;

    // Logto's username rule: a letter or underscore, then word characters.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Pattern();

    public static bool IsValid(string value) => value.Length <= MaxLength && Pattern().IsMatch(value);
}
