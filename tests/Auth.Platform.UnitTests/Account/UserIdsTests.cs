using Auth.Platform.Account.Users;

namespace Auth.Platform.UnitTests.Account;

public class UserIdsTests
{
    [Fact]
    public void New_Always_IsTwelveLowerCaseLettersOrDigits()
    {
        for (var i = 0; i < 1000; i++) Assert.Matches("^[a-z0-9]{12}$", UserIds.New());
    }

    [Fact]
    public void New_ThousandIds_AreDistinct() =>
        Assert.Equal(1000, Enumerable.Range(0, 1000).Select(_ => UserIds.New()).Distinct().Count());

    [Theory]
    [InlineData("0on5do980qwf", true)]
    [InlineData("0ON5DO980QWF", false)]
    [InlineData("0on5do980qw", false)]
    [InlineData("0on5do980qw-", false)]
    [InlineData(null, false)]
    public void IsWellFormed_ChecksLengthAndAlphabet(string? id, bool expected) =>
        Assert.Equal(expected, UserIds.IsWellFormed(id));
}
