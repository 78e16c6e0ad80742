using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Testing;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// Logto's personal access token exchange end to end (issue 13 pt 4): an admin creates a user and a token with the
/// Management API; the integrator's backend exchanges it with npm openid-client, and jose verifies the access token
/// against the JWKS. Once the token is deleted the same exchange is refused with invalid_grant.
/// </summary>
public sealed class PersonalAccessTokenExchangeTests(PlatformStackFixture fixture)
{
    [Fact]
    public async Task OpenIdClient_ExchangesAPersonalAccessToken_ForAJwtOfTheUser_UntilTheTokenIsDeleted()
    {
        var stack = fixture.Stack;
        var ct = TestContext.Current.CancellationToken;
        var issuer = new Uri(stack.GatewayUrl, "/oidc").ToString().TrimEnd('/');
        var managementToken = await stack.ManagementTokenAsync(ct);
        using var http = new HttpClient { BaseAddress = stack.GatewayUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", managementToken);
        var app = await ManagementApi.CreateApplicationAsync(http, stack.GatewayUrl, managementToken, new
        {
            name = "E2E PAT backend", type = "Traditional",
            oidcClientMetadata = new { redirectUris = new[] { "http://127.0.0.1:7/callback" } },
            customClientMetadata = new { allowTokenExchange = true },
        });
        using var user = await http.PostAsJsonAsync("/api/users", new { username = "e2e_pat_" + Guid.NewGuid().ToString("N")[..8] }, ct);
        var userId = JsonNode.Parse(await user.Content.ReadAsStringAsync(ct))!["id"]!.GetValue<string>();
        using var created = await http.PostAsJsonAsync($"/api/users/{userId}/personal-access-tokens", new { name = "e2e" }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pat = JsonNode.Parse(await created.Content.ReadAsStringAsync(ct))!["value"]!.GetValue<string>();
        string[] exchange = ["--issuer", issuer, "--client-id", app["id"]!.GetValue<string>(), "--client-secret", app["secret"]!.GetValue<string>(),
            "--subject-token", pat, "--scope", "openid profile"];

        var granted = await NodePeers.RunAsync("pat-exchange.mjs", exchange);

        Assert.True(granted["accessTokenClaims"] is not null, granted.ToJsonString());
        Assert.Equal(userId, granted["accessTokenClaims"]!["sub"]!.GetValue<string>());
        Assert.Equal("RS256", granted["alg"]!.GetValue<string>());
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", granted["issuedTokenType"]!.GetValue<string>());
        Assert.False(granted["hasRefreshToken"]!.GetValue<bool>());

        using var deleted = await http.PostAsJsonAsync($"/api/users/{userId}/personal-access-tokens/delete", new { name = "e2e" }, ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var refused = await NodePeers.RunAsync("pat-exchange.mjs", exchange);
        Assert.Equal("invalid_grant", refused["error"]?.GetValue<string>());
    }
}
