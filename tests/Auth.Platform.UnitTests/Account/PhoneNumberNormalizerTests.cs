using Auth.Platform.Account.Identifiers;

namespace Auth.Platform.UnitTests.Account;

public class PhoneNumberNormalizerTests
{
    private static readonly PhoneNumberNormalizer WithoutRegion = new();

    [Theory]
    // France: spacing, dots, dashes, the 00 international prefix.
    [InlineData("+33612345678", "+33612345678")]
    [InlineData("+33 6 12 34 56 78", "+33612345678")]
    [InlineData("  +33 6 12 34 56 78  ", "+33612345678")]
    [InlineData("+33.6.12.34.56.78", "+33612345678")]
    [InlineData("+33-6-12-34-56-78", "+33612345678")]
    [InlineData("0033612345678", "+33612345678")]
    [InlineData("00 33 6 12 34 56 78", "+33612345678")]
    [InlineData("+33 (0)6 12 34 56 78", "+33612345678")]
    // United States: parentheses around the country code or the area code.
    [InlineData("(+1) 650-253-0000", "+16502530000")]
    [InlineData("+1 (650) 253-0000", "+16502530000")]
    [InlineData("+1 650 253 0000", "+16502530000")]
    [InlineData("001 650 253 0000", "+16502530000")]
    // United Kingdom, Germany, Japan, China.
    [InlineData("+44 7400 123456", "+447400123456")]
    [InlineData("+44 (0)7400 123456", "+447400123456")]
    [InlineData("+49 30 123456", "+4930123456")]
    [InlineData("0049 30 123456", "+4930123456")]
    [InlineData("+81 3-1234-5678", "+81312345678")]
    [InlineData("+86 131 2345 6789", "+8613123456789")]
    [InlineData("+86/131/2345/6789", "+8613123456789")]
    public void TryNormalize_InternationalForm_ReturnsE164(string input, string expected) =>
        Assert.Equal(expected, WithoutRegion.TryNormalize(input));

    [Theory]
    [InlineData("06 12 34 56 78")]   // national French form: no country without a default region
    [InlineData("650-253-0000")]
    [InlineData("33612345678")]      // digits only, no + or 00: ambiguous
    public void TryNormalize_NationalFormWithoutDefaultRegion_IsNull(string input) =>
        Assert.Null(WithoutRegion.TryNormalize(input));

    [Theory]
    [InlineData("FR", "06 12 34 56 78", "+33612345678")]
    [InlineData("fr", "0612345678", "+33612345678")]
    [InlineData("FR", "+44 7400 123456", "+447400123456")]   // international input ignores the region
    [InlineData("FR", "0044 7400 123456", "+447400123456")]
    [InlineData("US", "(650) 253-0000", "+16502530000")]
    [InlineData("GB", "07400 123456", "+447400123456")]
    [InlineData("DE", "030 123456", "+4930123456")]
    [InlineData("JP", "03-1234-5678", "+81312345678")]
    [InlineData("CN", "131 2345 6789", "+8613123456789")]
    public void TryNormalize_NationalFormWithDefaultRegion_ReturnsE164(string region, string input, string expected) =>
        Assert.Equal(expected, new PhoneNumberNormalizer(region).TryNormalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("+")]
    [InlineData("00")]
    [InlineData("+33 6 12 34")]                      // too short
    [InlineData("+33 6 12 34 56 78 90")]             // too long
    [InlineData("+1 650 253 00")]                    // too short
    [InlineData("+86 131 2345 6789 0")]              // too long
    [InlineData("+49 1")]
    [InlineData("+1234567890123456")]                // over E.164's 15 digits
    [InlineData("+33 6 12 AB 56 78")]                // letters
    [InlineData("+1-800-FLOWERS")]                   // vanity letters are not identifiers
    [InlineData("phone")]
    [InlineData("+33 6 12 34 56 78 ext. 12")]        // extensions are not identifiers
    [InlineData("++33612345678")]
    [InlineData("+33+612345678")]
    [InlineData("+999 612345678")]                   // no such country code
    [InlineData("+33 0 12 34 56 78")]                // French numbers never start with 0 after the country code
    [InlineData("+33_612345678")]
    [InlineData("+33 6\n12 34 56 78")]            // control character inside
    public void TryNormalize_InvalidNumber_IsNull(string input)
    {
        Assert.Null(WithoutRegion.TryNormalize(input));
        Assert.Null(new PhoneNumberNormalizer("FR").TryNormalize(input));
    }

    [Fact]
    public void TryNormalize_InputLongerThan64Characters_IsNull() =>
        Assert.Null(WithoutRegion.TryNormalize("+33 6 12 34 56 78" + new string(' ', 60)+ "9"));

    [Theory]
    [InlineData("XX")]
    [InlineData("France")]
    public void Constructor_WithUnknownRegion_Throws(string region) =>
        Assert.Throws<ArgumentException>(() => new PhoneNumberNormalizer(region));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Constructor_WithoutRegion_AcceptsOnlyInternationalForms(string? region)
    {
        var normalizer = new PhoneNumberNormalizer(region);
        Assert.Null(normalizer.TryNormalize("06 12 34 56 78"));
        Assert.Equal("+33612345678", normalizer.TryNormalize("+33 6 12 34 56 78"));
    }
}
