using System.Security.Claims;
using System.Text.Json;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Oidc;
using Auth.Platform.Signin.Organizations;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Auth.Platform.UnitTests.Signin;

public class OrganizationTokensTests
{
    private static ClaimsPrincipal WithAmr(params Claim[] claims) => new(new ClaimsIdentity(claims, "test"));

    [Theory]
    [InlineData("""["pwd","otp","mfa"]""", true)]
    [InlineData("""["pwd"]""", false)]
    [InlineData("""[]""", false)]
    [InlineData("""not json [""", false)]
    public void PassedMfa_ReadsAJsonArrayClaim(string value, bool expected) =>
        Assert.Equal(expected, OrganizationTokens.PassedMfa(WithAmr(new Claim("amr", value, JsonClaimValueTypes.JsonArray))));

    [Fact]
    public void PassedMfa_ReadsOneClaimPerMethod()
    {
        Assert.True(OrganizationTokens.PassedMfa(WithAmr(new Claim("amr", "pwd"), new Claim("amr", "mfa"))));
        Assert.False(OrganizationTokens.PassedMfa(WithAmr(new Claim("amr", "pwd"), new Claim("amr", "otp"))));
    }

    [Fact]
    public void PassedMfa_WithoutAmr_IsFalse() => Assert.False(OrganizationTokens.PassedMfa(WithAmr(new Claim("sub", "u1"))));

    [Fact]
    public void UserClaims_Organizations_IsAJsonArrayOfTheIds_OnlyWithTheScope()
    {
        var user = new AccountUser("u1", "alice", null, null, null, null, 0, 0, false, true);
        var claims = UserClaims.For(user, [LogtoScopes.Organizations], [new("o1", false), new("o2", false)]);
        var organizations = Assert.IsType<JsonElement>(claims[LogtoClaims.Organizations]);
        Assert.Equal(["o1", "o2"], organizations.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, Assert.IsType<JsonElement>(UserClaims.For(user, [LogtoScopes.Organizations])[LogtoClaims.Organizations]).GetArrayLength());
        Assert.False(UserClaims.For(user, ["openid"], [new("o1", false)]).ContainsKey(LogtoClaims.Organizations));
    }

    [Fact]
    public void UserClaims_OrganizationRoles_AreOrganizationIdColonRoleName_OnlyWithTheScope()
    {
        var user = new AccountUser("u1", "alice", null, null, null, null, 0, 0, false, true);
        OrganizationMembership[] memberships = [new("o1", false, ["admin", "viewer"]), new("o2", false, [])];
        var roles = Assert.IsType<JsonElement>(UserClaims.For(user, [LogtoScopes.OrganizationRoles], memberships)[LogtoClaims.OrganizationRoles]);
        Assert.Equal(["o1:admin", "o1:viewer"], roles.EnumerateArray().Select(e => e.GetString()));
        Assert.False(UserClaims.For(user, [LogtoScopes.Organizations], memberships).ContainsKey(LogtoClaims.OrganizationRoles));
    }
}
