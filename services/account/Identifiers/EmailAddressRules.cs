using System.Globalization;

namespace Auth.Platform.Account.Identifiers;

/// <summary>
/// The one email rule of the directory, used by every write and every lookup. Addresses are stored as typed (trimmed);
/// uniqueness and lookups use <see cref="TryNormalize"/>'s key: lower-cased, IDN domain in punycode, so
/// <c>Alice@Exämple.com</c> and <c>alice@xn--exmple-cua.com</c> are the same address.
/// </summary>
/// <remarks>
/// Deliberately simpler than RFC 5322 (no quoted local parts, comments or IP literals: no real inbox needs them and they
/// are where parsers disagree); the lengths are RFC 5321's. The verification code remains the real proof of ownership.
/// </remarks>
public static class EmailAddressRules
{
    public const int MaxLength = 254;
    public const int MaxLocalPartLength = 64;
    private const int MaxDomainLength = 253;
    private const int MaxLabelLength = 63;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    public static bool IsValid(string value) => TryNormalize(value) is not null;

    /// <summary>The comparison key (<c>local@ascii-domain</c>, lower case), or null when the address breaks the rule.</summary>
    public static string? TryNormalize(string value)
    {
        var email = value.Trim();
        if (email.Length is 0 or > MaxLength) return null;
        foreach (var c in email)
            if (char.IsWhiteSpace(c) || char.IsControl(c)) return null;

        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@')) return null;
        var local = email[..at];
        var domain = email[(at + 1)..];
        if (!IsValidLocalPart(local)) return null;
        if (ToAsciiDomain(domain) is not { } asciiDomain) return null;

        var key = local.ToLowerInvariant() + "@" + asciiDomain;
        return key.Length <= MaxLength ? key : null;
    }

    private static bool IsValidLocalPart(string local)
    {
        if (local.Length > MaxLocalPartLength) return false;
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal)) return false;
        // Characters that need quoting in RFC 5322: refused rather than half-supported.
        return local.IndexOfAny(['"', '(', ')', ',', ':', ';', '<', '>', '[', '\\', ']']) < 0;
    }

    private static string? ToAsciiDomain(string domain)
    {
        // A trailing dot (the DNS root) is legal in DNS but not in a mailbox, and makes a second spelling of one address.
        if (domain.Length == 0 || domain.EndsWith('.')) return null;
        string ascii;
        try
        {
            ascii = Idn.GetAscii(domain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (ascii.Length > MaxDomainLength) return null;
        var labels = ascii.Split('.');
        if (labels.Length < 2) return null;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength || label.StartsWith('-') || label.EndsWith('-')) return null;
            foreach (var c in label)
                if (!char.IsAsciiLetterOrDigit(c) && c != '-') return null;
        }
        return ascii;
    }
}
