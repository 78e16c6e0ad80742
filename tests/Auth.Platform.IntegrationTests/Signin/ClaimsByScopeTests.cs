using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>Logto's extra user scopes (custom_data, identities, roles): each claim reaches only what its scope allows.</summary>
public sealed class ClaimsByScopeTests(PlatformStackFixture fixture) : IDisposable
{
    private const string Callback = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task LogtoScopes_ReachOnlyTheTokensTheirScopeAllows()
    {
        var clientId = (await _client.CreateApplicationAsync("SPA", Callback)).GetProperty("id").GetString()!;
        var (verifier, challenge) = SigninClient.NewPkce();
        using (await _client.GetAsync(SigninClient.AuthorizePath(clientId, Callback, challenge, "openid custom_data identities roles", "&first_screen=register"))) { }
        using (var verification = await _client.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = SigninClient.NewUsername() }, password = "correct horse battery" }))
        {
            var verificationId = (await verification.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verificationId").GetString();
            using var identification = await _client.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId });
            Assert.Equal(HttpStatusCode.Created, identification.StatusCode);
        }
        var userId = (await (await _client.ExperienceAsync(HttpMethod.Get, "/interaction")).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("userId").GetString();
        using (var patch = await _client.ManagementAsync(HttpMethod.Patch, "/api/users/" + userId, new { customData = new { plan = "pro" } }))
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        var tokens = await _client.RedeemAsync(clientId, await _client.SubmitAndFollowAsync(Callback), Callback, verifier);
        var idToken = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!);
        Assert.False(idToken.TryGetProperty("custom_data", out _));
        Assert.False(idToken.TryGetProperty("identities", out _));
        var userInfo = await UserInfoAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("pro", userInfo.GetProperty("custom_data").GetProperty("plan").GetString());
        Assert.Equal(JsonValueKind.Object, userInfo.GetProperty("identities").ValueKind);
        Assert.Equal(JsonValueKind.Array, userInfo.GetProperty("sso_identities").ValueKind);
        Assert.Equal(JsonValueKind.Array, userInfo.GetProperty("roles").ValueKind);

        // Same session, without those scopes: none of the claims.
        var (verifier2, challenge2) = SigninClient.NewPkce();
        using var again = await _client.GetAsync(SigninClient.AuthorizePath(clientId, Callback, challenge2, "openid"));
        var plain = await _client.RedeemAsync(clientId, SigninClient.CodeFrom(again, Callback), Callback, verifier2);
        var plainInfo = await UserInfoAsync(plain.GetProperty("access_token").GetString()!);
        Assert.False(plainInfo.TryGetProperty("custom_data", out _));
        Assert.False(plainInfo.TryGetProperty("identities", out _));
        Assert.False(plainInfo.TryGetProperty("roles", out _));
    }

    private async Task<JsonElement> UserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _client.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
