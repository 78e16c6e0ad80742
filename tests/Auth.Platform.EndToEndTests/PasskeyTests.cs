using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// WebAuthn with a real browser: Chromium's virtual authenticator (CDP <c>WebAuthn.addVirtualAuthenticator</c>: CTAP2,
/// internal, resident keys, user verification) answers <c>navigator.credentials.create/get</c> on a page of the
/// gateway's origin, with the options our API returns — registration as a second factor, MFA at sign-in, and a
/// passkey sign-in without username or password. The browser's own responses are what mfa verifies.
/// </summary>
public sealed class PasskeyTests(PlatformStackFixture fixture)
{
    private const string RedirectUri = "http://127.0.0.1:7/callback";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs an Experience API call from the page (cookies and origin are the browser's, like the hosted UI).</summary>
    private const string Fetch = """
        async (json) => {
          const [method, path, body] = JSON.parse(json);
          const response = await fetch('/api/experience' + path, {
            method, credentials: 'same-origin', headers: { 'content-type': 'application/json' },
            body: body === null ? undefined : JSON.stringify(body) });
          const text = await response.text();
          return JSON.stringify({ status: response.status, body: text ? JSON.parse(text) : null });
        }
        """;

    private const string Create = """
        async (options) => {
          const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(JSON.parse(options)) });
          return JSON.stringify(credential.toJSON());
        }
        """;

    private const string Get = """
        async (options) => {
          const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(options)) });
          return JSON.stringify(credential.toJSON());
        }
        """;

    [Fact]
    public async Task Passkey_RegisteredInChromium_ServesAsSecondFactorAndAsPasswordlessSignIn()
    {
        var stack = fixture.Stack;
        using var http = new HttpClient();
        var token = await stack.ManagementTokenAsync(Ct);
        var app = await ManagementApi.CreateApplicationAsync(http, stack.GatewayUrl, token, new
        {
            name = "E2E passkeys", type = "SPA",
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri }, postLogoutRedirectUris = Array.Empty<string>() },
        });
        var clientId = app["id"]!.GetValue<string>();
        await PatchMfaAsync(http, stack.GatewayUrl, token, ["WebAuthn", "Totp", "BackupCode"]);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Browsers.LaunchChromiumAsync(playwright);
            var context = await browser.NewContextAsync();
            // The steps drive the Experience API themselves: the hosted UI's passkey autofill offer must not race them.
            await context.AddInitScriptAsync("PublicKeyCredential.isConditionalMediationAvailable = async () => false;");
            var page = await context.NewPageAsync();

            var cdp = await context.NewCDPSessionAsync(page);
            await cdp.SendAsync("WebAuthn.enable");
            await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
            {
                ["options"] = new Dictionary<string, object>
                {
                    ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true,
                    ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
                },
            });
            var username = "pk_" + Guid.NewGuid().ToString("N")[..10];
            const string password = "correct horse battery staple";

            // 1. Register with a password, then add a passkey in the same interaction.
            await StartAsync(page, stack.GatewayUrl, clientId, "Register");
            var identity = await CallAsync(page, "POST", "/verification/new-password-identity", new { identifier = new { type = "username", value = username }, password });
            Assert.Equal(201, (await CallAsync(page, "POST", "/identification", new { verificationId = identity.Body.GetProperty("verificationId").GetString() })).Status);
            var registration = await CallAsync(page, "POST", "/verification/web-authn/registration", null);
            Assert.Equal(200, registration.Status);
            var credential = await BrowserCredentialAsync(page, Create, registration.Body.GetProperty("registrationOptions"));
            var verificationId = registration.Body.GetProperty("verificationId").GetString();
            var verified = await CallAsync(page, "POST", "/verification/web-authn/registration/verify", new { verificationId, payload = credential });
            Assert.True(verified.Status == 200, verified.Body.ToString());
            Assert.Equal(204, (await CallAsync(page, "POST", "/profile/mfa", new { type = "WebAuthn", verificationId })).Status);
            await SubmitAndExpectCodeAsync(page);

            // 2. Sign in with the password: the passkey is now required as second factor.
            await context.ClearCookiesAsync();
            await StartAsync(page, stack.GatewayUrl, clientId, "SignIn");
            var byPassword = await CallAsync(page, "POST", "/verification/password", new { identifier = new { type = "username", value = username }, password });
            Assert.Equal(204, (await CallAsync(page, "POST", "/identification", new { verificationId = byPassword.Body.GetProperty("verificationId").GetString() })).Status);
            var gate = await CallAsync(page, "POST", "/submit", null);
            Assert.Equal(403, gate.Status);
            Assert.Equal("session.mfa.require_mfa_verification", gate.Body.GetProperty("code").GetString());
            var authentication = await CallAsync(page, "POST", "/verification/web-authn/authentication", null);
            var assertion = await BrowserCredentialAsync(page, Get, authentication.Body.GetProperty("authenticationOptions"));
            var mfa = await CallAsync(page, "POST", "/verification/web-authn/authentication/verify",
                new { verificationId = authentication.Body.GetProperty("verificationId").GetString(), payload = assertion });
            Assert.True(mfa.Status == 200, mfa.Body.ToString());
            await SubmitAndExpectCodeAsync(page);

            // 3. Passkey first: no username, no password; the browser picks the discoverable credential.
            await context.ClearCookiesAsync();
            await StartAsync(page, stack.GatewayUrl, clientId, "SignIn");
            var preflight = await CallAsync(page, "POST", "/preflight/sign-in-passkey/authentication", null);
            Assert.Equal(200, preflight.Status);
            var discoverable = await BrowserCredentialAsync(page, Get, preflight.Body.GetProperty("authenticationOptions"));
            Assert.False(string.IsNullOrEmpty(discoverable.GetProperty("response").GetProperty("userHandle").GetString()));
            var passkey = await CallAsync(page, "POST", "/verification/sign-in-passkey/authentication/verify",
                new { verificationId = preflight.Body.GetProperty("verificationId").GetString(), payload = discoverable });
            Assert.True(passkey.Status == 200, passkey.Body.ToString());
            var interaction = await CallAsync(page, "GET", "/interaction", null);
            Assert.False(string.IsNullOrEmpty(interaction.Body.GetProperty("userId").GetString()));
            await SubmitAndExpectCodeAsync(page);
        }
        finally
        {
            await PatchMfaAsync(http, stack.GatewayUrl, token, []);
        }
    }

    private static async Task PatchMfaAsync(HttpClient http, Uri gateway, string token, string[] factors)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(gateway, "/api/sign-in-exp"))
        {
            Content = JsonContent.Create(new { mfa = new { factors, policy = "NoPrompt" } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>/oidc/auth in the browser lands on the hosted UI (gateway origin), where the page then calls the API.</summary>
    private static async Task StartAsync(IPage page, Uri gateway, string clientId, string @event)
    {
        var verifier = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await page.GotoAsync(new Uri(gateway, $"/oidc/auth?client_id={clientId}&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(RedirectUri)}" +
            $"&code_challenge={challenge}&code_challenge_method=S256&state=s1").ToString());
        Assert.True(page.Url.StartsWith(gateway.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal), page.Url);
        var put = await CallAsync(page, "PUT", "", new { interactionEvent = @event });
        Assert.Equal(204, put.Status);
    }

    private static async Task SubmitAndExpectCodeAsync(IPage page)
    {
        var submit = await CallAsync(page, "POST", "/submit", null);
        Assert.True(submit.Status == 200, submit.Body.ToString());
        // Follow redirectTo like the UI does; the callback is intercepted where a real client would take over.
        var callback = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(RedirectUri + "**", async route =>
        {
            callback.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, Body = "callback reached" });
        });
        await page.EvaluateAsync("url => { window.location.href = url; }", submit.Body.GetProperty("redirectTo").GetString());
        var url = await callback.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await page.UnrouteAllAsync();
        Assert.StartsWith(RedirectUri + "?", url);
        Assert.Contains("code=", url);
        await page.GotoAsync("about:blank");
    }

    private static async Task<JsonElement> BrowserCredentialAsync(IPage page, string script, JsonElement options) =>
        JsonDocument.Parse(await page.EvaluateAsync<string>(script, options.GetRawText())).RootElement.Clone();

    private sealed record ApiAnswer(int Status, JsonElement Body);

    private static async Task<ApiAnswer> CallAsync(IPage page, string method, string path, object? body)
    {
        // Strings across the boundary: Playwright's serializer does not know JsonElement.
        var result = JsonDocument.Parse(await page.EvaluateAsync<string>(Fetch, JsonSerializer.Serialize(new object?[] { method, path, body }))).RootElement.Clone();
        return new ApiAnswer(result.GetProperty("status").GetInt32(), result.GetProperty("body"));
    }
}
