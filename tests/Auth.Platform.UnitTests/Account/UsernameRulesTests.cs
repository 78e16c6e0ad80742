using Auth.Platform.Account.Identifiers;

namespace Auth.Platform.UnitTests.Account;

public class UsernameRulesTests
{
    [Theory]
    [InlineData("alice", true)]
    [InlineData("_alice_2", true)]
    [InlineData("Alice", true)]
    [InlineData("2alice", false)]
    [InlineData("ali ce", false)]
    [InlineData("alice@example.com", false)]
    [InlineData("", false)]
    public void IsValid_FollowsLogtoRule(string username, bool valid) =>
        Assert.Equal(valid, UsernameRules.IsValid(username));
}
