using System.Text.Json.Nodes;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.ExternalAuth;

namespace Auth.Platform.UnitTests.Sso;

/// <summary>The presets are configurations of the generic OIDC / OAuth 2.0 factories (issue 12 pt 2).</summary>
public sealed class SocialPresetTests
{
    private static ExternalProviderSettings Settings(string factoryId, string config) =>
        ExternalProviderSettings.FromSocial(ConnectorFactories.Find(factoryId)!, JsonNode.Parse(config)!.AsObject());

    [Fact]
    public void Google_IsOidcWithGooglesIssuer()
    {
        var s = Settings("google-universal", """{"clientId":"c","clientSecret":"s"}""");
        Assert.Equal(ExternalProtocol.Oidc, s.Protocol);
        Assert.Equal("https://accounts.google.com", s.Issuer);
        Assert.Contains("openid", s.Scope.Split(' '));
    }

    [Fact]
    public void Microsoft_IsOidcWithTheTenantsIssuer()
    {
        var s = Settings("azure-ad", """{"clientId":"c","clientSecret":"s","tenantId":"contoso-tenant"}""");
        Assert.Equal("https://login.microsoftonline.com/contoso-tenant/v2.0", s.Issuer);
    }

    [Fact]
    public void Apple_PostsTheCallbackAndSignsItsClientSecret()
    {
        var s = Settings("apple-universal", """{"clientId":"com.example.web","teamId":"TEAM","keyId":"KEY","privateKey":"pem"}""");
        Assert.Equal("form_post", s.ResponseMode);
        Assert.Equal(new AppleClientKey("TEAM", "KEY", "pem"), s.AppleKey);
        Assert.Equal("https://appleid.apple.com", s.Issuer);
    }

    [Fact]
    public void GitHub_IsOAuth2WithItsEndpointsAndClaimMap()
    {
        var s = Settings("github-universal", """{"clientId":"c","clientSecret":"s"}""");
        Assert.Equal(ExternalProtocol.OAuth2, s.Protocol);
        Assert.Equal("https://api.github.com/user", s.UserInfoEndpoint);
        var user = ExternalSignIn.FromProfileMap(JsonNode.Parse("""{"id":583231,"login":"octocat","email":"o@github.test","avatar_url":"https://a/x.png"}""")!.AsObject(),
            s.ProfileMap, s.TrustUnverifiedEmail)!;
        Assert.Equal("583231", user.Id);
        Assert.Equal("https://a/x.png", user.Avatar);
        Assert.False(user.EmailVerified);
    }

    [Fact]
    public void OAuth2_ProfileWithoutAnId_IsNoIdentity() =>
        Assert.Null(ExternalSignIn.FromProfileMap(JsonNode.Parse("""{"email":"x@y.test"}""")!.AsObject(), ConnectorFactories.DefaultProfileMap, false));

    [Theory]
    [InlineData("""{"sub":"1","email":"a@b.test","email_verified":true}""", true)]
    [InlineData("""{"sub":"1","email":"a@b.test","email_verified":"true"}""", true)]
    [InlineData("""{"sub":"1","email":"a@b.test","email_verified":false}""", false)]
    [InlineData("""{"sub":"1","email":"a@b.test"}""", false)]
    public void OidcClaims_EmailIsVerifiedOnlyWhenTheProviderSaysSo(string claims, bool verified) =>
        Assert.Equal(verified, ExternalSignIn.FromOidcClaims(JsonNode.Parse(claims)!.AsObject(), trustUnverifiedEmail: false).EmailVerified);
}
