using System.Globalization;
using System.Text.RegularExpressions;

namespace Auth.Platform.SsoConnector.SsoConnectors;

/// <summary>
/// SSO email domains: normalised (lower-case, IDN to ASCII), well formed, and never a public mailbox provider — routing
/// everyone at gmail.com to one company's IdP would hand that company every Gmail user's sign-in (Logto's
/// <c>validateConnectorDomains</c>).
/// </summary>
public static partial class EmailDomains
{
    /// <summary>Public mailbox providers (Logto's list, plus the large French ones the seed's users have).</summary>
    public static readonly IReadOnlySet<string> Public = new HashSet<string>(StringComparer.Ordinal)
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "yahoo.co.uk", "ymail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr",
        "hotmail.co.uk", "live.com", "live.fr", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me",
        "gmx.com", "gmx.de", "gmx.net", "gmx.fr", "mail.com", "yandex.ru", "yandex.com", "mail.ru", "qq.com", "163.com", "126.com", "sina.com",
        "zoho.com", "web.de", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "neuf.fr", "bbox.fr", "fastmail.com", "tutanota.com",
        "tuta.io", "hey.com", "foxmail.com", "naver.com", "rediffmail.com",
    };

    private static readonly IdnMapping Idn = new();

    /// <summary>The domain in canonical form, or null when it is not a domain name.</summary>
    public static string? Normalize(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain) || domain.Length > 253) return null;
        try
        {
            var ascii = Idn.GetAscii(domain.Trim().TrimEnd('.')).ToLowerInvariant();
            return DomainName().IsMatch(ascii) ? ascii : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The domain part of an address, normalised; null when the address has none.</summary>
    public static string? OfEmail(string? email)
    {
        if (email is null) return null;
        var at = email.LastIndexOf('@');
        return at <= 0 ? null : Normalize(email[(at + 1)..]);
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")]
    private static partial Regex DomainName();
}
