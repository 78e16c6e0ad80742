using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>RFC 7662 introspection and RFC 7009 revocation at Logto's paths, for a confidential (Traditional) client.</summary>
public sealed class TokenRevocationAndIntrospectionTests(PlatformStackFixture fixture) : IDisposable
{
    private const string Redirect = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task RevokedRefreshToken_IsInactiveAndCannotBeRedeemed_WhileTheAccessTokenIntrospectsAsActive()
    {
        var (clientId, secret, tokens) = await _client.SignInWithConfidentialClientAsync(Redirect);
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        var introspected = await PostAsync("/oidc/token/introspection", ("token", accessToken), ("client_id", clientId), ("client_secret", secret));
        Assert.True(introspected.GetProperty("active").GetBoolean());
        Assert.Equal(SigninClient.Payload(accessToken).GetProperty("sub").GetString(), introspected.GetProperty("sub").GetString());

        using (var revoke = await _client.Http.PostAsync("/oidc/token/revocation", Form(("token", refreshToken), ("token_type_hint", "refresh_token"),
                   ("client_id", clientId), ("client_secret", secret)), Ct))
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var afterRevocation = await PostAsync("/oidc/token/introspection", ("token", refreshToken), ("client_id", clientId), ("client_secret", secret));
        Assert.False(afterRevocation.GetProperty("active").GetBoolean());
        var refresh = await _client.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", secret), ("refresh_token", refreshToken));
        Assert.Equal("invalid_grant", refresh.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspection_ByAClientThatIsNeitherTheTokensClientNorItsAudience_AnswersInactive()
    {
        var (_, _, tokens) = await _client.SignInWithConfidentialClientAsync(Redirect);
        var other = await _client.CreateApplicationAsync("Traditional", Redirect);
        var otherId = other.GetProperty("id").GetString()!;
        var otherSecret = other.GetProperty("secret").GetString()!;

        // RFC 7662 §4: an access token without a resource (no aud) is the owner's alone; OpenIddict only checks tokens with an aud.
        foreach (var token in new[] { tokens.GetProperty("access_token").GetString()!, tokens.GetProperty("refresh_token").GetString()! })
        {
            var introspected = await PostAsync("/oidc/token/introspection", ("token", token), ("client_id", otherId), ("client_secret", otherSecret));
            Assert.False(introspected.GetProperty("active").GetBoolean());
            Assert.False(introspected.TryGetProperty("sub", out _));
        }
    }

    [Fact]
    public async Task Introspection_OfAClientCredentialsToken_ByAnotherClient_AnswersInactive()
    {
        var management = await _client.ManagementTokenAsync();
        var other = await _client.CreateApplicationAsync("Traditional", Redirect);
        var introspected = await PostAsync("/oidc/token/introspection", ("token", management),
            ("client_id", other.GetProperty("id").GetString()!), ("client_secret", other.GetProperty("secret").GetString()!));
        Assert.False(introspected.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspection_WithAWrongClientSecret_Returns401InvalidClient()
    {
        var app = await _client.CreateApplicationAsync("Traditional", Redirect);
        using var response = await _client.Http.PostAsync("/oidc/token/introspection", Form(("token", "anything"),
            ("client_id", app.GetProperty("id").GetString()!), ("client_secret", "not-the-secret")), Ct);
        // RFC 6749 §5.2: a failed client authentication may answer 401.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
    }

    private async Task<JsonElement> PostAsync(string path, params (string Key, string Value)[] form)
    {
        using var response = await _client.Http.PostAsync(path, Form(form), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] form) =>
        new(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
}
