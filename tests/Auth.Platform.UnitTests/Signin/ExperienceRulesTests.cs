using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Experience.Steps;

namespace Auth.Platform.UnitTests.Signin;

public class ExperienceRulesTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("_alice_1")]
    [InlineData("A")]
    public void UsernameRule_WithLettersDigitsAndUnderscores_IsValid(string username) => Assert.True(UsernameRule.IsValid(username));

    [Theory]
    [InlineData("")]
    [InlineData("1alice")]
    [InlineData("ali ce")]
    [InlineData("alice@example.com")]
    [InlineData("alicé")]
    [InlineData("alice\n")]
    public void UsernameRule_WithOtherCharacters_IsInvalid(string username) => Assert.False(UsernameRule.IsValid(username));

    [Fact]
    public void UsernameRule_LongerThan128_IsInvalid()
    {
        Assert.True(UsernameRule.IsValid(new string('a', 128)));
        Assert.False(UsernameRule.IsValid(new string('a', 129)));
    }
}

public class UsernamePolicyTests
{
    [Theory]
    [InlineData("alice", 1, 128, true, true, true, true, true)]
    [InlineData("al", 3, 128, true, true, true, true, false)]
    [InlineData("alicealice", 1, 8, true, true, true, true, false)]
    [InlineData("Alice", 1, 128, true, false, true, true, false)]
    [InlineData("alice2", 1, 128, true, true, false, true, false)]
    [InlineData("al_ice", 1, 128, true, true, true, false, false)]
    [InlineData("2alice", 1, 128, true, true, true, true, false)]
    public void Violation_AppliesLengthAndAllowedCharacters(string username, int min, int max, bool lower, bool upper, bool numbers, bool underscore, bool accepted)
    {
        var policy = new Auth.Platform.Signin.SignInExperience.UsernamePolicySettings
        {
            MinLength = min, MaxLength = max,
            AllowedChars = new() { Lowercase = lower, Uppercase = upper, Numbers = numbers, Underscore = underscore },
        };
        Assert.Equal(accepted, UsernameRule.Violation(username, policy) is null);
    }
}
