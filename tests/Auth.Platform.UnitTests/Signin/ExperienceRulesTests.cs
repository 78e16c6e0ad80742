using Auth.Platform.Signin.Experience;

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
