using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

// Tests that change the one global sign-in experience run alone (xUnit runs such collections after the parallel ones).
[CollectionDefinition(nameof(SignInExperienceChanges), DisableParallelization = true)]
public sealed class SignInExperienceChanges;

/// <summary>What the hosted-UI tests share: an application, authorization URLs, settings, a browser page, axe-core, maildev.</summary>
public sealed class HostedUi(PlatformStack stack) : IAsyncDisposable
{
    /// <summary>Never served: the browser's navigation to it is intercepted, where a real client would take over.</summary>
    public const string RedirectUri = "http://127.0.0.1:7/callback";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _http = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Logto's defaults for a username + password tenant: what every other test expects, restored after each test.</summary>
    public static readonly object DefaultSettings = new
    {
        signInMode = "SignInAndRegister",
        signUp = new { identifiers = new[] { "username" }, password = true, verify = false, secondaryIdentifiers = Array.Empty<object>() },
        signIn = new { methods = new[] { new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true } } },
        agreeToTermsPolicy = "Automatic",
        termsOfUseUrl = (string?)null,
        privacyPolicyUrl = (string?)null,
        branding = new { displayName = (string?)null, primaryColor = (string?)null },
        mfa = new { factors = Array.Empty<string>(), policy = "UserControlled" },
        sentinelPolicy = new { maxAttempts = 100, lockoutDuration = 60 },
    };

    /// <summary>An email tenant: sign up with a verified email (no password), sign in by code or password (code first).</summary>
    public static readonly object EmailTenant = new
    {
        signUp = new { identifiers = new[] { "email" }, password = false, verify = true },
        signIn = new
        {
            methods = new object[]
            {
                new { identifier = "email", password = true, verificationCode = true, isPasswordPrimary = false },
                new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true },
            },
        },
    };

    /// <summary>What the client that sent each authorization request (by its unique <c>state</c>) needs to redeem the code.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Issuer, string ClientId, string Verifier)> PendingRequests = new();

    public Uri Gateway => stack.GatewayUrl;

    public async Task<IBrowser> BrowserAsync()
    {
        _playwright ??= await Playwright.CreateAsync();
        return _browser ??= await Browsers.LaunchChromiumAsync(_playwright);
    }

    public async Task<string> CreateSpaAsync()
    {
        var app = await ManagementApi.CreateApplicationAsync(_http, Gateway, await stack.ManagementTokenAsync(Ct), new
        {
            name = "hosted UI test app",
            type = "SPA",
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri }, postLogoutRedirectUris = Array.Empty<string>() },
        });
        return app["id"]!.GetValue<string>();
    }

    /// <summary>
    /// An authorization request as a public client sends it (PKCE S256), plus Logto's authentication parameters. Its
    /// verifier is kept under its unique <c>state</c>, so <see cref="CallbackAsync"/> can redeem the code as that client.
    /// </summary>
    public string AuthorizeUrl(string clientId, string extra = "")
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = "s" + Guid.NewGuid().ToString("N");
        PendingRequests[state] = (new Uri(Gateway, "/oidc").ToString(), clientId, verifier);
        return new Uri(Gateway, "/oidc/auth").ToString() + "?client_id=" + Uri.EscapeDataString(clientId) + "&response_type=code&scope=openid%20profile"
            + "&redirect_uri=" + Uri.EscapeDataString(RedirectUri) + "&state=" + state + "&code_challenge=" + challenge + "&code_challenge_method=S256" + extra;
    }

    public async Task PatchSettingsAsync(object patch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(Gateway, "/api/sign-in-exp")) { Content = JsonContent.Create(patch) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await stack.ManagementTokenAsync(Ct));
        using var response = await _http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, "PATCH /api/sign-in-exp: " + await response.Content.ReadAsStringAsync(Ct));
    }

    public async Task CreateUserAsync(object user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Gateway, "/api/users")) { Content = JsonContent.Create(user) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await stack.ManagementTokenAsync(Ct));
        using var response = await _http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, "POST /api/users: " + await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>
    /// A fresh browser context (no cookies). <paramref name="bypassCsp"/> only for axe-core, whose injected script the
    /// page's strict CSP (no inline script) would otherwise block.
    /// </summary>
    public async Task<(IPage Page, Task<string> Callback)> NewPageAsync(bool bypassCsp = false)
    {
        var browser = await BrowserAsync();
        var context = await browser.NewContextAsync(new() { BypassCSP = bypassCsp, Locale = "en-US" });
        var page = await context.NewPageAsync();
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(RedirectUri + "**", async route =>
        {
            callback.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, Body = "callback reached" });
        });
        return (page, callback.Task);
    }

    /// <summary>
    /// The client's side of the callback: the code is redeemed by npm openid-client (state, iss, PKCE, ID token signature
    /// and claims checked), as the application would, so a flow passes only when it really yields tokens.
    /// </summary>
    public static async Task<string> CallbackAsync(Task<string> callback)
    {
        var url = await callback.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Matches("[?&]code=[^&]+", url);
        var state = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["state"];
        if (state is null || !PendingRequests.TryRemove(state, out var request))
            throw new Xunit.Sdk.XunitException("The callback answers no request built by AuthorizeUrl (or was already redeemed): " + url);
        var tokens = await NodePeers.RunAsync("rp.mjs", "callback", "--issuer", request.Issuer, "--client-id", request.ClientId,
            "--callback-url", url, "--code-verifier", request.Verifier, "--state", state, "--no-refresh-checks", "true");
        Assert.False(string.IsNullOrEmpty(tokens["idTokenClaims"]?["sub"]?.GetValue<string>()), "openid-client got no ID token: " + tokens.ToJsonString());
        return url;
    }

    /// <summary>Runs axe-core (WCAG 2.x A/AA + best practices) on the page and fails on any serious or critical violation.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string screen)
    {
        var axe = Path.Combine(NodePeers.Directory, "node_modules", "axe-core", "axe.min.js");
        Assert.True(File.Exists(axe), "axe-core is missing: run npm ci in tests/node");
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'")) await page.AddScriptTagAsync(new() { Path = axe });
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
              return {
                passes: result.passes.length,
                serious: result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`),
              };
            }
            """);
        // axe really looked at the page (labels, contrast, landmarks… passed), and found nothing serious.
        Assert.True(violations.GetProperty("passes").GetInt32() > 10, $"{screen}: axe checked almost nothing");
        var serious = violations.GetProperty("serious");
        Assert.True(serious.GetArrayLength() == 0, $"{screen}: " + string.Join("; ", serious.EnumerateArray().Select(v => v.GetString())));
    }

    /// <summary>The newest 6-digit code mailed to <paramref name="recipient"/> (maildev's JSON API), waiting for the message count to reach <paramref name="count"/>.</summary>
    public async Task<string> MailedCodeAsync(string recipient, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var messages = await stack.MailToAsync(recipient, Ct);
            if (messages.Count >= count) return DevInbox.CodeIn(messages[^1].Text);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{count} email(s) to {recipient} did not arrive in maildev");
            await Task.Delay(250, Ct);
        }
    }

    /// <summary>How many messages maildev holds for <paramref name="recipient"/> now (no waiting).</summary>
    public async Task<int> MailCountAsync(string recipient) => (await stack.MailToAsync(recipient, Ct)).Count;

    public static string NewEmail() => $"e2e-{Guid.NewGuid():N}"[..16] + "@example.com";
    public static string NewUsername() => "e2e_" + Guid.NewGuid().ToString("N")[..10];

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        _http.Dispose();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
