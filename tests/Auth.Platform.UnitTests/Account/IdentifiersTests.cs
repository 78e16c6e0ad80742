using Auth.Platform.Account.Users;

namespace Auth.Platform.UnitTests.Account;

public class IdentifiersTests
{
    [Theory]
    [InlineData("Alice@Example.COM", "alice@example.com")]
    [InlineData("  bob@example.org ", "bob@example.org")]
    [InlineData("already@lower.case", "already@lower.case")]
    public void NormalizeEmail_AnyCase_IsTrimmedLowerCase(string email, string expected) =>
        Assert.Equal(expected, Identifiers.NormalizeEmail(email));

    [Theory]
    [InlineData("+14155550100", "+14155550100")]
    [InlineData("14155550100", "+14155550100")]
    [InlineData(" +4930123456 ", "+4930123456")]
    [InlineData("+1234567", "+1234567")]
    [InlineData("+123456789012345", "+123456789012345")]
    public void NormalizePhone_DigitsWithOrWithoutPlus_IsE164(string phone, string expected) =>
        Assert.Equal(expected, Identifiers.NormalizePhone(phone));

    [Theory]
    [InlineData("+123456")]
    [InlineData("+1234567890123456")]
    [InlineData("+1 415 555 0100")]
    [InlineData("++14155550100")]
    [InlineData("phone")]
    [InlineData("")]
    public void NormalizePhone_NotSevenToFifteenDigits_IsNull(string phone) =>
        Assert.Null(Identifiers.NormalizePhone(phone));

    [Theory]
    [InlineData("alice", true)]
    [InlineData("_alice_2", true)]
    [InlineData("Alice", true)]
    [InlineData("2alice", false)]
    [InlineData("ali ce", false)]
    [InlineData("alice@example.com", false)]
    [InlineData("", false)]
    public void IsValidUsername_FollowsLogtoRule(string username, bool valid) =>
        Assert.Equal(valid, Identifiers.IsValidUsername(username));

    [Theory]
    [InlineData("alice@example.com", true)]
    [InlineData("a@b.c", true)]
    [InlineData("alice@example", false)]
    [InlineData("alice example.com", false)]
    [InlineData("@example.com", false)]
    public void IsValidEmail_FollowsLogtoRule(string email, bool valid) =>
        Assert.Equal(valid, Identifiers.IsValidEmail(email));
}
