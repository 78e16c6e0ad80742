using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// Sign-out end to end through the gateway: openid-client builds the RP-initiated logout URL, Chromium carries the
/// session, and the npm receiver validates the back-channel logout tokens with jose against our JWKS.
/// </summary>
public sealed class SignOutTests(PlatformStackFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RpInitiatedLogout_WithOpenIdClient_ReturnsWithStateAndEachApplicationOfTheSessionGetsOneValidLogoutToken()
    {
        var flow = new SignOutFlow(fixture.Stack);
        await using var receiver = await BackChannelReceiver.StartAsync(flow.Issuer);
        var first = await flow.CreateApplicationAsync(receiver.UriFor("first"));
        var second = await flow.CreateApplicationAsync(receiver.UriFor("second"));
        await using var browser = await flow.OpenBrowserAsync();

        var signedIn = await flow.RegisterAsync(browser, first);
        // The same browser session signs in to a second application without a prompt.
        var secondTokens = await flow.AuthorizeSilentlyAsync(browser, second);
        var sid = signedIn["idTokenClaims"]!["sid"]!.GetValue<string>();
        var sub = signedIn["idTokenClaims"]!["sub"]!.GetValue<string>();
        Assert.Equal(sid, secondTokens["idTokenClaims"]!["sid"]!.GetValue<string>());

        var endSession = await NodePeers.RunAsync("rp.mjs", "end-session", "--issuer", flow.Issuer, "--client-id", first,
            "--id-token-hint", signedIn["idToken"]!.GetValue<string>(), "--post-logout-redirect-uri", SignOutFlow.PostLogoutUri, "--state", "bye-1");
        Assert.Equal(flow.Issuer + "/session/end", endSession["endSessionEndpoint"]!.GetValue<string>());
        var returned = await browser.NavigateAsync(endSession["url"]!.GetValue<string>());
        Assert.Equal(SignOutFlow.PostLogoutUri + "?state=bye-1", returned);

        foreach (var (name, clientId) in new[] { ("first", first), ("second", second) })
        {
            var received = await receiver.WaitForAsync(name, 1, TimeSpan.FromSeconds(30));
            var record = Assert.Single(received);
            Assert.True(record["valid"]!.GetValue<bool>(), record.ToJsonString());
            Assert.Equal("application/x-www-form-urlencoded", record["contentType"]!.GetValue<string>());
            Assert.Equal(["logout_token"], record["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
            Assert.Equal("logout+jwt", record["header"]!["typ"]!.GetValue<string>());
            Assert.Equal(clientId, record["claims"]!["aud"]!.GetValue<string>());
            Assert.Equal(sid, record["claims"]!["sid"]!.GetValue<string>());
            Assert.Equal(sub, record["claims"]!["sub"]!.GetValue<string>());
        }
        // The session is gone: a silent request now fails (C-L02).
        Assert.Equal("login_required", await flow.SilentErrorAsync(browser, first));
        // Delivered once: a later logout to the same receiver arrives, and the first one did not come again before it.
        var laterSid = await flow.SignInAndOutAgainAsync(browser, first);
        var both = await receiver.WaitForAsync("first", 2, TimeSpan.FromSeconds(30));
        Assert.Equal([sid, laterSid], both.Select(r => r["claims"]!["sid"]!.GetValue<string>()));
    }

    [Fact]
    public async Task EndSession_UntrustedRequests_NeverRedirect()
    {
        var flow = new SignOutFlow(fixture.Stack);
        var clientId = await flow.CreateApplicationAsync(backchannelLogoutUri: null);
        await using var browser = await flow.OpenBrowserAsync();
        var idToken = (await flow.RegisterAsync(browser, clientId))["idToken"]!.GetValue<string>();
        var parts = idToken.Split('.');
        using var foreignKey = RSA.Create(2048);
        var foreign = parts[0] + "." + parts[1] + "." + B64(foreignKey.SignData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var algNone = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray()) + "." + parts[1] + ".";
        var cases = new (string Rule, string? Hint, string Uri)[]
        {
            ("C-L03 unregistered URI", idToken, "http://127.0.0.1:18765/elsewhere"),
            ("C-L10 query added", idToken, SignOutFlow.PostLogoutUri + "?foo=bar"),
            ("C-L05 no id_token_hint", null, SignOutFlow.PostLogoutUri),
            ("C-L04 alg:none hint", algNone, SignOutFlow.PostLogoutUri),
            ("C-L11 hint signed by a foreign key", foreign, SignOutFlow.PostLogoutUri),
        };
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Stack.GatewayUrl };
        foreach (var (rule, hint, uri) in cases)
        {
            var query = $"post_logout_redirect_uri={Uri.EscapeDataString(uri)}&state=s&client_id={clientId}"
                + (hint is null ? "" : "&id_token_hint=" + Uri.EscapeDataString(hint));
            using var response = await http.GetAsync("/oidc/session/end?" + query, Ct);
            Assert.True((int)response.StatusCode is 200 or 400, $"{rule}: {response.StatusCode}");
            Assert.True(response.Headers.Location is null, $"{rule}: redirected to {response.Headers.Location}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Runs alone: it stops the broker that every other test publishes through.</summary>
[CollectionDefinition(nameof(BackChannelLogoutOutageTests), DisableParallelization = true)]
public sealed class BackChannelLogoutOutageCollection;

[Collection(nameof(BackChannelLogoutOutageTests))]
public sealed class BackChannelLogoutOutageTests(PlatformStackFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BackChannelLogout_WithBrokerAndReceiverDownDuringLogout_ArrivesExactlyOnceAfterTheyReturn()
    {
        var stack = fixture.Stack;
        var flow = new SignOutFlow(stack);
        await using var receiver = await BackChannelReceiver.StartAsync(flow.Issuer);
        var clientId = await flow.CreateApplicationAsync(receiver.UriFor("outage"));
        await using var browser = await flow.OpenBrowserAsync();
        var signedIn = await flow.RegisterAsync(browser, clientId);

        await receiver.StopAsync();
        await stack.StopResourceAsync("eventbus");
        try
        {
            // Logout does not wait for the broker nor the receiver.
            var returned = await browser.NavigateAsync(flow.EndSessionUrl(clientId, signedIn["idToken"]!.GetValue<string>(), "outage-state"));
            Assert.Equal(SignOutFlow.PostLogoutUri + "?state=outage-state", returned);
        }
        finally
        {
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            await stack.StartResourceAsync("eventbus");
        }

        // Through the broker to notification, which tries and fails while the receiver is down (retries with backoff).
        var attempted = await flow.WaitForDeliveryAsync(clientId, d => d["attempts"]!.GetValue<int>() >= 2, TimeSpan.FromSeconds(120));
        Assert.Equal("pending", attempted["status"]!.GetValue<string>());
        Assert.Empty(receiver.Received("outage"));

        await receiver.StartAsync();
        var received = await receiver.WaitForAsync("outage", 1, TimeSpan.FromSeconds(90));
        var record = Assert.Single(received);
        Assert.True(record["valid"]!.GetValue<bool>(), record.ToJsonString());
        Assert.Equal(signedIn["idTokenClaims"]!["sid"]!.GetValue<string>(), record["claims"]!["sid"]!.GetValue<string>());
        var delivered = await flow.WaitForDeliveryAsync(clientId, d => d["status"]!.GetValue<string>() == "delivered", TimeSpan.FromSeconds(10));
        Assert.Equal(200, delivered["lastStatusCode"]!.GetValue<int>());
        // Acknowledged once: never sent again, checked against a later logout that travels the same path.
        var laterSid = await flow.SignInAndOutAgainAsync(browser, clientId);
        var both = await receiver.WaitForAsync("outage", 2, TimeSpan.FromSeconds(60));
        Assert.Equal([signedIn["idTokenClaims"]!["sid"]!.GetValue<string>(), laterSid], both.Select(r => r["claims"]!["sid"]!.GetValue<string>()));
    }
}

/// <summary>The steps the sign-out tests share: applications with back-channel logout, Chromium, openid-client.</summary>
public sealed class SignOutFlow(PlatformStack stack)
{
    // Never served (port in this helper's range, not one Chromium calls unsafe): Playwright intercepts the navigation.
    public const string RedirectUri = "http://127.0.0.1:18765/callback";
    public const string PostLogoutUri = "http://127.0.0.1:18765/signed-out";
    private const string Password = "correct horse battery staple";

    public string Issuer { get; } = new Uri(stack.GatewayUrl, "/oidc").ToString().TrimEnd('/');

    public async Task<string> CreateApplicationAsync(string? backchannelLogoutUri, bool isThirdParty = false)
    {
        using var http = new HttpClient();
        var token = await stack.ManagementTokenAsync(TestContext.Current.CancellationToken);
        var app = await ManagementApi.CreateApplicationAsync(http, stack.GatewayUrl, token, new
        {
            name = "E2E sign-out app", type = "SPA", isThirdParty,
            oidcClientMetadata = new
            {
                redirectUris = new[] { RedirectUri }, postLogoutRedirectUris = new[] { PostLogoutUri },
                backchannelLogoutUri, backchannelLogoutSessionRequired = true,
            },
        });
        Assert.Equal(backchannelLogoutUri, app["oidcClientMetadata"]!["backchannelLogoutUri"]?.GetValue<string>());
        return app["id"]!.GetValue<string>();
    }

    public async Task<BrowserSession> OpenBrowserAsync() => await BrowserSession.OpenAsync();

    /// <summary>Registers a new user in the hosted UI and completes the code flow with openid-client.</summary>
    public async Task<JsonObject> RegisterAsync(BrowserSession browser, string clientId)
    {
        var authorization = await NodePeers.RunAsync("rp.mjs", "authorize", "--issuer", Issuer, "--client-id", clientId, "--redirect-uri", RedirectUri,
            "--extra", "first_screen=register");
        var username = "bcl_" + Guid.NewGuid().ToString("N")[..10];
        var callback = await browser.NavigateAsync(authorization["url"]!.GetValue<string>(), async page =>
        {
            await page.FillAsync("#identifier", username);
            await page.FillAsync("#password", Password);
            await page.FillAsync("#confirm-password", Password);
            await page.ClickAsync("button[type=submit]");
        });
        return await RedeemAsync(clientId, authorization, callback);
    }

    /// <summary>The browser already has a session: the authorization request comes straight back with a code.</summary>
    public async Task<JsonObject> AuthorizeSilentlyAsync(BrowserSession browser, string clientId)
    {
        var authorization = await NodePeers.RunAsync("rp.mjs", "authorize", "--issuer", Issuer, "--client-id", clientId, "--redirect-uri", RedirectUri,
            "--extra", "prompt=none");
        return await RedeemAsync(clientId, authorization, await browser.NavigateAsync(authorization["url"]!.GetValue<string>()));
    }

    /// <summary>Authorizes with a browser that has a session, acting on the page it shows (the consent screen).</summary>
    public async Task<JsonObject> AuthorizeWithPageAsync(BrowserSession browser, string clientId, Func<IPage, Task> act)
    {
        // rp.mjs sends prompt=consent: the consent page shows even if a grant existed.
        var authorization = await NodePeers.RunAsync("rp.mjs", "authorize", "--issuer", Issuer, "--client-id", clientId, "--redirect-uri", RedirectUri);
        return await RedeemAsync(clientId, authorization, await browser.NavigateAsync(authorization["url"]!.GetValue<string>(), act));
    }

    public async Task<string?> SilentErrorAsync(BrowserSession browser, string clientId)
    {
        var authorization = await NodePeers.RunAsync("rp.mjs", "authorize", "--issuer", Issuer, "--client-id", clientId, "--redirect-uri", RedirectUri,
            "--extra", "prompt=none");
        var callback = await browser.NavigateAsync(authorization["url"]!.GetValue<string>());
        return System.Web.HttpUtility.ParseQueryString(new Uri(callback).Query)["error"];
    }

    /// <summary>A later session of a new user on the same browser and client, ended at once (trusted logout); its <c>sid</c>.</summary>
    public async Task<string> SignInAndOutAgainAsync(BrowserSession browser, string clientId)
    {
        var signedIn = await RegisterAsync(browser, clientId);
        var returned = await browser.NavigateAsync(EndSessionUrl(clientId, signedIn["idToken"]!.GetValue<string>(), "later"));
        Assert.Equal(PostLogoutUri + "?state=later", returned);
        return signedIn["idTokenClaims"]!["sid"]!.GetValue<string>();
    }

    public string EndSessionUrl(string clientId, string idToken, string state) =>
        $"{Issuer}/session/end?client_id={clientId}&id_token_hint={Uri.EscapeDataString(idToken)}" +
        $"&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}&state={state}";

    /// <summary>Polls the Management API's delivery log until the single delivery of the application matches.</summary>
    public async Task<JsonObject> WaitForDeliveryAsync(string clientId, Func<JsonObject, bool> predicate, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = stack.GatewayUrl };
        var deadline = DateTime.UtcNow + timeout;
        JsonArray? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/applications/{clientId}/backchannel-logout-deliveries");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await stack.ManagementTokenAsync(TestContext.Current.CancellationToken));
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            last = (await response.Content.ReadFromJsonAsync<JsonNode>(TestContext.Current.CancellationToken))!.AsArray();
            if (last.Count == 1 && predicate(last[0]!.AsObject())) return last[0]!.AsObject();
            Assert.True(last.Count <= 1, last.ToJsonString());
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        throw new Xunit.Sdk.XunitException("delivery log never matched: " + last?.ToJsonString());
    }

    private Task<JsonObject> RedeemAsync(string clientId, JsonObject authorization, string callbackUrl) =>
        NodePeers.RunAsync("rp.mjs", "callback", "--issuer", Issuer, "--client-id", clientId, "--callback-url", callbackUrl,
            "--code-verifier", authorization["codeVerifier"]!.GetValue<string>(), "--state", authorization["state"]!.GetValue<string>(),
            "--nonce", authorization["nonce"]!.GetValue<string>(), "--no-refresh-checks", "true");
}

/// <summary>One Chromium context (one cookie jar = one OP session); navigations to the never-served client are captured.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private const string ClientOrigin = "http://127.0.0.1:18765";
    private readonly Channel<string> _arrivals = Channel.CreateUnbounded<string>();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    public static async Task<BrowserSession> OpenAsync()
    {
        var session = new BrowserSession { _playwright = await Playwright.CreateAsync() };
        session._browser = await Browsers.LaunchChromiumAsync(session._playwright);
        var context = await session._browser.NewContextAsync();
        session._page = await context.NewPageAsync();
        // Every request to the client is seen here, redirect hops included (a route handler sees only a navigation's
        // first URL); the route answers the ones a page loads itself, redirected hops fail on the closed port.
        session._page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(ClientOrigin, StringComparison.Ordinal)) session._arrivals.Writer.TryWrite(request.Url);
        };
        await session._page.RouteAsync(ClientOrigin + "/**", route => route.FulfillAsync(new() { Status = 200, Body = "client reached" }));
        return session;
    }

    /// <summary>Opens <paramref name="url"/>, optionally acts on the page it shows, and returns the client URL the browser reached.</summary>
    public async Task<string> NavigateAsync(string url, Func<IPage, Task>? act = null)
    {
        while (_arrivals.Reader.TryRead(out _)) { }
        try
        {
            await _page.GotoAsync(url);
        }
        catch (PlaywrightException) when (act is null)
        {
            // The navigation ended on the never-served client; the arrival below says where.
        }
        if (act is not null) await act(_page);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _arrivals.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
