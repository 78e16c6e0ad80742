using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// Logto's organization token end to end: a person registers in the hosted UI (Chromium), the integrator's backend
/// makes them a member with the Management API, and npm openid-client's refreshTokenGrant with <c>organization_id</c>
/// gets an access token that jose verifies against the JWKS for the organization's audience.
/// </summary>
public sealed class OrganizationTokenTests(PlatformStackFixture fixture)
{
    private const string RedirectUri = "http://127.0.0.1:7/callback";

    [Fact]
    public async Task Member_GetsAnOrganizationTokenWithOpenIdClient_AndANonMemberOrganizationIsRefused()
    {
        var stack = fixture.Stack;
        var issuer = new Uri(stack.GatewayUrl, "/oidc").ToString().TrimEnd('/');
        using var http = new HttpClient { BaseAddress = stack.GatewayUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await stack.ManagementTokenAsync(TestContext.Current.CancellationToken));
        var clientId = (await ManagementApi.CreateApplicationAsync(http, stack.GatewayUrl, http.DefaultRequestHeaders.Authorization.Parameter!, new
        {
            name = "E2E organization app",
            type = "SPA",
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri }, postLogoutRedirectUris = Array.Empty<string>() },
        }))["id"]!.GetValue<string>();
        var member = await CreateOrganizationAsync(http, "E2E member org");
        var other = await CreateOrganizationAsync(http, "E2E other org");

        var authorization = await NodePeers.RunAsync("rp.mjs", "authorize", "--issuer", issuer, "--client-id", clientId, "--redirect-uri", RedirectUri,
            "--scope", "openid offline_access urn:logto:scope:organizations", "--extra", "first_screen=register");
        var callbackUrl = await RegisterInBrowserAsync(authorization["url"]!.GetValue<string>());
        var code = await NodePeers.RunAsync("organization-token.mjs", "code", "--issuer", issuer, "--client-id", clientId, "--callback-url", callbackUrl,
            "--code-verifier", authorization["codeVerifier"]!.GetValue<string>(), "--state", authorization["state"]!.GetValue<string>(),
            "--nonce", authorization["nonce"]!.GetValue<string>());
        var userId = code["idTokenClaims"]!["sub"]!.GetValue<string>();
        var refreshToken = code["refreshToken"]!.GetValue<string>();
        await AddMemberAsync(http, member, userId);

        var refused = await OrganizationTokenAsync(issuer, clientId, refreshToken, other);
        Assert.Equal("access_denied", refused["error"]?.GetValue<string>());
        Assert.Equal(403, refused["status"]!.GetValue<int>());

        // The refused request did not redeem the refresh token.
        var granted = await OrganizationTokenAsync(issuer, clientId, refreshToken, member);
        Assert.True(granted["accessTokenClaims"] is not null, granted.ToJsonString());
        Assert.Equal(member, granted["accessTokenClaims"]!["organization_id"]!.GetValue<string>());
        Assert.Equal(userId, granted["accessTokenClaims"]!["sub"]!.GetValue<string>());
        Assert.Equal("RS256", granted["alg"]!.GetValue<string>());
        Assert.True(granted["refreshRotated"]!.GetValue<bool>());
    }

    private static Task<JsonObject> OrganizationTokenAsync(string issuer, string clientId, string refreshToken, string organizationId) =>
        NodePeers.RunAsync("organization-token.mjs", "organization", "--issuer", issuer, "--client-id", clientId,
            "--refresh-token", refreshToken, "--organization-id", organizationId);

    private static async Task<string> CreateOrganizationAsync(HttpClient http, string name)
    {
        using var response = await http.PostAsJsonAsync("/api/organizations", new { name });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>The organization service learns users from account's events: retried until its replica has the user.</summary>
    private static async Task AddMemberAsync(HttpClient http, string organizationId, string userId)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await http.PostAsJsonAsync($"/api/organizations/{organizationId}/users", new { userIds = new[] { userId } });
            if (response.StatusCode == HttpStatusCode.Created) return;
            Assert.True(DateTimeOffset.UtcNow < until, $"adding the member: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(200);
        }
    }

    private static async Task<string> RegisterInBrowserAsync(string authorizationUrl)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchChromiumAsync(playwright);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(RedirectUri + "**", async route =>
        {
            callback.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, Body = "callback reached" });
        });
        await page.GotoAsync(authorizationUrl);
        Assert.Equal("/register", new Uri(page.Url).AbsolutePath);
        const string password = "correct horse battery staple";
        await page.FillAsync("#identifier", "e2e_" + Guid.NewGuid().ToString("N")[..10]);
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirm-password", password);
        await page.ClickAsync("button[type=submit]");
        return await callback.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
