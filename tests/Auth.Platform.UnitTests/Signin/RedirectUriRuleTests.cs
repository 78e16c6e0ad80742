using Auth.Platform.Signin.Applications;

namespace Auth.Platform.UnitTests.Signin;

public class RedirectUriRuleTests
{
    [Theory]
    [InlineData("https://app.example.com/callback")]
    [InlineData("https://app.example.com/callback?tenant=1")]
    [InlineData("http://localhost:3000/callback")]
    [InlineData("http://127.0.0.1:8080/cb")]
    [InlineData("http://[::1]:8080/cb")]
    public void IsValid_WithHttpsOrLoopbackHttp_ReturnsTrue(string uri) => Assert.True(RedirectUriRule.IsValid(uri));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/callback")]
    [InlineData("callback")]
    [InlineData("http://app.example.com/callback")]
    [InlineData("https://app.example.com/callback#fragment")]
    [InlineData("https://app.example.com/callback#")]
    [InlineData("https://user:pass@app.example.com/callback")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://app.example.com/callback")]
    public void IsValid_WithRelativeFragmentOrNonHttpsUri_ReturnsFalse(string? uri) => Assert.False(RedirectUriRule.IsValid(uri));

    [Fact]
    public void IsValid_WithAnOverlongUri_ReturnsFalse() =>
        Assert.False(RedirectUriRule.IsValid("https://app.example.com/" + new string('a', RedirectUriRule.MaxLength)));
}
