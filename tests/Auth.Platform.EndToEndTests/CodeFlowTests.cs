using System.Text.Json.Nodes;
using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// The foundation's promise, end to end through the gateway only: a third party registers a client with the
/// Management API, a person registers and signs in with real Chromium in the hosted UI, and the npm openid-client
/// library completes the code flow (discovery, PKCE, token, ID token validation, userinfo, refresh rotation).
/// </summary>
public sealed class CodeFlowTests(PlatformStackFixture fixture)
{
    // Never served: the browser's navigation to it is intercepted, which is where a real client would take over.
    private const string RedirectUri = "http://127.0.0.1:7/callback";

    [Fact]
    public async Task RegisterThenSignIn_InHostedUi_CompletesCodeFlowWithOpenIdClient()
    {
        var stack = fixture.Stack;
        var issuer = new Uri(stack.GatewayUrl, "/oidc").ToString().TrimEnd('/');
        using var http = new HttpClient();
        var token = await stack.ManagementTokenAsync(TestContext.Current.CancellationToken);
        var app = await ManagementApi.CreateApplicationAsync(http, stack.GatewayUrl, token, new
        {
            name = "E2E single-page app",
            type = "SPA",
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri }, postLogoutRedirectUris = Array.Empty<string>() },
        });
        var clientId = app["id"]!.GetValue<string>();
        Assert.Null(app["secret"]?.GetValue<string>());

        var username = "e2e_" + Guid.NewGuid().ToString("N")[..10];
        const string password = "correct horse battery staple";

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchChromiumAsync(playwright);

        // Registration, starting on the register screen as first_screen asks.
        var first = await AuthorizeAsync(issuer, clientId, "--extra", "first_screen=register");
        Assert.True(first["issParameterSupported"]!.GetValue<bool>());
        Assert.Equal(issuer, first["issuer"]!.GetValue<string>());
        var callback = await CompleteInBrowserAsync(browser, first["url"]!.GetValue<string>(), "/register", async page =>
        {
            await page.FillAsync("#identifier", username);
            await page.FillAsync("#password", password);
            await page.FillAsync("#confirm-password", password);
            await page.ClickAsync("button[type=submit]");
        });
        var registered = await RedeemAsync(issuer, clientId, first, callback);
        var sub = registered["idTokenClaims"]!["sub"]!.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(sub));
        Assert.Equal(issuer, registered["idTokenClaims"]!["iss"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(registered["idTokenClaims"]!["sid"]?.GetValue<string>()));
        Assert.Equal(sub, registered["userinfo"]!["sub"]!.GetValue<string>());
        Assert.Equal(username, registered["userinfo"]!["username"]!.GetValue<string>());
        Assert.Equal("RS256", registered["accessTokenHeader"]!["alg"]!.GetValue<string>());
        Assert.True(registered["refreshRotated"]!.GetValue<bool>());
        Assert.Equal(sub, registered["refreshedIdTokenSub"]!.GetValue<string>());
        Assert.Equal("invalid_grant", registered["reuseOfOldRefreshToken"]!["error"]!.GetValue<string>());
        Assert.Equal("invalid_grant", registered["newRefreshTokenAfterReuse"]!["error"]!.GetValue<string>());

        // Sign-in in a fresh browser (no session): wrong password first, then the right one.
        var second = await AuthorizeAsync(issuer, clientId);
        var signedIn = await CompleteInBrowserAsync(browser, second["url"]!.GetValue<string>(), "/sign-in", async page =>
        {
            await page.FillAsync("#identifier", username);
            await page.FillAsync("#password", "not the password");
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("#error")).Not.ToBeEmptyAsync();
            await page.FillAsync("#password", password);
            await page.ClickAsync("button[type=submit]");
        });
        var again = await RedeemAsync(issuer, clientId, second, signedIn);
        Assert.Equal(sub, again["idTokenClaims"]!["sub"]!.GetValue<string>());
    }

    private static Task<JsonObject> AuthorizeAsync(string issuer, string clientId, params string[] extra) =>
        NodePeers.RunAsync("rp.mjs", ["authorize", "--issuer", issuer, "--client-id", clientId, "--redirect-uri", RedirectUri, .. extra]);

    private static Task<JsonObject> RedeemAsync(string issuer, string clientId, JsonObject authorization, string callbackUrl) =>
        NodePeers.RunAsync("rp.mjs", "callback", "--issuer", issuer, "--client-id", clientId, "--callback-url", callbackUrl,
            "--code-verifier", authorization["codeVerifier"]!.GetValue<string>(),
            "--state", authorization["state"]!.GetValue<string>(), "--nonce", authorization["nonce"]!.GetValue<string>());

    /// <summary>Opens the authorization URL, expects the given hosted-UI screen, acts, and returns the callback URL.</summary>
    private static async Task<string> CompleteInBrowserAsync(IBrowser browser, string authorizationUrl, string expectedPath, Func<IPage, Task> act)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(RedirectUri + "**", async route =>
        {
            callback.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, Body = "callback reached" });
        });
        await page.GotoAsync(authorizationUrl);
        Assert.Equal(expectedPath, new Uri(page.Url).AbsolutePath);
        await act(page);
        return await callback.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
