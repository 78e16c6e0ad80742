using System.Security.Claims;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Oidc;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.UnitTests.Signin;

public class ClaimDestinationsTests
{
    private static ClaimsPrincipal PrincipalWith(params string[] scopes)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity("test"));
        principal.SetScopes(scopes);
        return principal;
    }

    [Fact]
    public void For_Subject_GoesToAccessAndIdentityTokens() =>
        Assert.Equal([Destinations.AccessToken, Destinations.IdentityToken], ClaimDestinations.For(new Claim(Claims.Subject, "u1"), PrincipalWith(Scopes.OpenId)));

    [Theory]
    [InlineData(Claims.AuthenticationTime)]
    [InlineData("sid")]
    [InlineData(Claims.AuthenticationMethodReference)]
    public void For_SessionClaims_GoToTheIdentityTokenOnly(string type) =>
        Assert.Equal([Destinations.IdentityToken], ClaimDestinations.For(new Claim(type, "1"), PrincipalWith(Scopes.OpenId)));

    [Theory]
    [InlineData(Claims.Name, Scopes.Profile)]
    [InlineData(Claims.Username, Scopes.Profile)]
    [InlineData(Claims.Picture, Scopes.Profile)]
    [InlineData(Claims.UpdatedAt, Scopes.Profile)]
    [InlineData(Claims.Email, Scopes.Email)]
    [InlineData(Claims.EmailVerified, Scopes.Email)]
    [InlineData(Claims.PhoneNumber, Scopes.Phone)]
    [InlineData(Claims.PhoneNumberVerified, Scopes.Phone)]
    public void For_ProfileClaim_GoesToTheIdentityTokenOnlyWithItsScope(string type, string scope)
    {
        Assert.Equal([Destinations.IdentityToken], ClaimDestinations.For(new Claim(type, "x"), PrincipalWith(Scopes.OpenId, scope)));
        Assert.Empty(ClaimDestinations.For(new Claim(type, "x"), PrincipalWith(Scopes.OpenId)));
    }

    [Theory]
    [InlineData("role")]
    [InlineData("password")]
    [InlineData("custom_data")]
    public void For_AnUnlistedClaim_GoesNowhere(string type) =>
        Assert.Empty(ClaimDestinations.For(new Claim(type, "x"), PrincipalWith(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone)));

    [Fact]
    public void UserClaims_WithOpenIdOnly_ContainsOnlyTheSubject()
    {
        var user = new AccountUser("u1", "alice", "a@example.com", "+15550100", "Alice", null, 1, 2000, false, true);
        Assert.Equal(["sub"], UserClaims.For(user, [Scopes.OpenId]).Keys);
    }

    [Fact]
    public void UserClaims_WithAllScopes_MapsLogtoFieldsAndUpdatedAtInSeconds()
    {
        var user = new AccountUser("u1", "alice", "a@example.com", "+15550100", "Alice", "https://x/a.png", 1, 1_700_000_000_123, false, true);
        var claims = UserClaims.For(user, [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone]);
        Assert.Equal("alice", claims[Claims.Username]);
        Assert.Equal("https://x/a.png", claims[Claims.Picture]);
        Assert.Equal(1_700_000_000L, claims[Claims.UpdatedAt]);
        Assert.Equal(true, claims[Claims.EmailVerified]);
        Assert.Equal("+15550100", claims[Claims.PhoneNumber]);
    }
}
