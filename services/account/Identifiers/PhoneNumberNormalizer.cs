using PhoneNumbers;

namespace Auth.Platform.Account.Identifiers;

/// <summary>
/// The one phone rule of the directory, used by every write and every lookup: a human-typed number becomes E.164
/// (<c>+33612345678</c>) through libphonenumber, or is refused. International forms (<c>+33 6 12 34 56 78</c>,
/// <c>0033612345678</c>, <c>(+1) 650-253-0000</c>) always work; a national form (<c>06 12 34 56 78</c>) only with a
/// default region (<c>Identifiers:DefaultPhoneRegion</c>), since without one its country is a guess.
/// </summary>
public sealed class PhoneNumberNormalizer
{
    public const string DefaultRegionKey = "Identifiers:DefaultPhoneRegion";

    /// <summary>Far above any real number with spacing; bounds the work done on hostile input.</summary>
    private const int MaxInputLength = 64;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private readonly string? _defaultRegion;

    public PhoneNumberNormalizer(string? defaultRegion = null)
    {
        if (string.IsNullOrWhiteSpace(defaultRegion))
        {
            _defaultRegion = null;
            return;
        }
        _defaultRegion = defaultRegion.Trim().ToUpperInvariant();
        // A typo here would silently reject every national number: fail at startup instead.
        if (!Util.GetSupportedRegions().Contains(_defaultRegion))
            throw new ArgumentException($"{DefaultRegionKey} '{defaultRegion}' is not a region libphonenumber knows (e.g. FR, US).", nameof(defaultRegion));
    }

    /// <summary>The E.164 form, or null when the value is not a valid phone number (for this region setting).</summary>
    public string? TryNormalize(string value)
    {
        var input = value.Trim();
        if (input.Length is 0 or > MaxInputLength) return null;
        // Digits, one leading + and the usual separators only: libphonenumber would otherwise read vanity letters
        // (1-800-FLOWERS) and extensions ("ext. 12"), which are not sign-in identifiers.
        var plusCount = 0;
        foreach (var c in input)
        {
            if (c == '+') plusCount++;
            else if (!char.IsAsciiDigit(c) && c is not (' ' or '-' or '.' or '(' or ')' or '/')) return null;
        }
        if (plusCount > 1) return null;

        var compact = input.TrimStart('(', ' ');
        // 00 is the international prefix of most of the world; read it as + whatever the default region.
        if (plusCount == 0 && compact.StartsWith("00", StringComparison.Ordinal))
            input = "+" + compact[2..];
        else if (plusCount == 0 && _defaultRegion is null)
            return null;

        PhoneNumber number;
        try
        {
            number = Util.Parse(input, _defaultRegion ?? "ZZ");
        }
        catch (NumberParseException)
        {
            return null;
        }
        if (number.HasExtension || !Util.IsValidNumber(number)) return null;
        return Util.Format(number, PhoneNumberFormat.E164);
    }
}
