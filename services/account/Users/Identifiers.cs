using System.Text.RegularExpressions;

namespace Auth.Platform.Account.Users;

/// <summary>Validation and normalization of the three sign-in identifiers, in one place so lookups and writes agree.</summary>
public static partial class Identifiers
{
    public const int MaxUsernameLength = 128;
    public const int MaxEmailLength = 254;

    // Logto's username rule: a letter or underscore, then word characters.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex UsernamePattern();

    // Logto's email rule (deliberately loose: the verification code is the real check).
    [GeneratedRegex(@"^\S+@\S+\.\S+$")]
    private static partial Regex EmailPattern();

    // E.164: up to 15 digits. Full libphonenumber normalization comes later (issue 3).
    [GeneratedRegex(@"^\+?[0-9]{7,15}$")]
    private static partial Regex PhonePattern();

    public static bool IsValidUsername(string value) => value.Length <= MaxUsernameLength && UsernamePattern().IsMatch(value);

    public static bool IsValidEmail(string value) => value.Length <= MaxEmailLength && EmailPattern().IsMatch(value);

    /// <summary>Emails are compared case-insensitively (what users expect, and what Logto does).</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Returns the E.164 form (<c>+</c> and digits) or null when the value is not a phone number.</summary>
    public static string? NormalizePhone(string value)
    {
        var trimmed = value.Trim();
        if (!PhonePattern().IsMatch(trimmed)) return null;
        return trimmed.StartsWith('+') ? trimmed : "+" + trimmed;
    }
}
