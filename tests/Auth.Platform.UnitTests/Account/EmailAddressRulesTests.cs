using Auth.Platform.Account.Identifiers;

namespace Auth.Platform.UnitTests.Account;

public class EmailAddressRulesTests
{
    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("Alice@Example.COM", "alice@example.com")]
    [InlineData("  bob@example.org ", "bob@example.org")]
    [InlineData("a@b.c", "a@b.c")]
    [InlineData("first.last+tag@mail.example.co.uk", "first.last+tag@mail.example.co.uk")]
    [InlineData("o'brien@example.ie", "o'brien@example.ie")]
    [InlineData("user@xn--bcher-kva.de", "user@xn--bcher-kva.de")]
    [InlineData("user@bücher.de", "user@xn--bcher-kva.de")]            // IDN domain -> punycode key
    [InlineData("User@BÜCHER.de", "user@xn--bcher-kva.de")]
    [InlineData("taro@例え.jp", "taro@xn--r8jz45g.jp")]
    [InlineData("user@my-domain.example", "user@my-domain.example")]
    public void TryNormalize_ValidAddress_ReturnsLowerCaseAsciiKey(string email, string expected) =>
        Assert.Equal(expected, EmailAddressRules.TryNormalize(email));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-an-email")]
    [InlineData("alice@example")]                 // no dot in the domain
    [InlineData("alice example.com")]
    [InlineData("@example.com")]                  // empty local part
    [InlineData("alice@")]                        // empty domain
    [InlineData("alice@@example.com")]            // double @
    [InlineData("a@b@example.com")]
    [InlineData("alice@example.com.")]            // trailing dot
    [InlineData("alice@.example.com")]
    [InlineData("alice@example..com")]
    [InlineData(".alice@example.com")]
    [InlineData("alice.@example.com")]
    [InlineData("al..ice@example.com")]
    [InlineData("al ice@example.com")]            // space inside
    [InlineData("al\tice@example.com")]           // control character
    [InlineData("alice@exam\u0000ple.com")]
    [InlineData("\"alice\"@example.com")]         // quoted local parts are not supported
    [InlineData("alice@-example.com")]            // label starting with a hyphen
    [InlineData("alice@example-.com")]
    [InlineData("alice@exa_mple.com")]
    [InlineData("alice@[127.0.0.1]")]             // IP literals are not supported
    public void TryNormalize_MalformedAddress_IsNull(string email) =>
        Assert.Null(EmailAddressRules.TryNormalize(email));

    [Fact]
    public void TryNormalize_LocalPartOf64Characters_IsAccepted() =>
        Assert.NotNull(EmailAddressRules.TryNormalize(new string('a', 64) + "@example.com"));

    [Fact]
    public void TryNormalize_LocalPartOf65Characters_IsNull() =>
        Assert.Null(EmailAddressRules.TryNormalize(new string('a', 65) + "@example.com"));

    [Fact]
    public void TryNormalize_DomainLabelOf64Characters_IsNull() =>
        Assert.Null(EmailAddressRules.TryNormalize("alice@" + new string('a', 64) + ".com"));

    [Fact]
    public void TryNormalize_AddressOf254Characters_IsAccepted()
    {
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 61), 3)) + ".com"; // 64+1+185+4
        Assert.Equal(254, email.Length);
        Assert.NotNull(EmailAddressRules.TryNormalize(email));
    }

    [Fact]
    public void TryNormalize_AddressOf255Characters_IsNull()
    {
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 61), 3)) + ".coms";
        Assert.Equal(255, email.Length);
        Assert.Null(EmailAddressRules.TryNormalize(email));
    }

    [Fact]
    public void TryNormalize_IdnDomainLongerThan254AsPunycode_IsNull()
    {
        // Short as typed, too long once converted: the stored key must fit the column.
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('ü', 40), 4)) + ".de";
        Assert.True(email.Length <= 254);
        Assert.Null(EmailAddressRules.TryNormalize(email));
    }

    [Theory]
    [InlineData("alice@example.com", true)]
    [InlineData("alice@example", false)]
    public void IsValid_MatchesTryNormalize(string email, bool valid) =>
        Assert.Equal(valid, EmailAddressRules.IsValid(email));
}
