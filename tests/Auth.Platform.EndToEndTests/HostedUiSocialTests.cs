using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Testing;
using Microsoft.Playwright;

namespace Auth.Platform.EndToEndTests;

/// <summary>
/// An external identity provider that is not our code, on loopback: a script of tests/node (npm oidc-provider in
/// social-idp.mjs, npm samlify in saml-idp-server.mjs) with a login page asking which account signs in. Its port is chosen
/// first, so connectors can name the IdP before it runs (and it can be given their callback or metadata); stopped by its own PID.
/// </summary>
public sealed class IdpPeer : IAsyncDisposable
{
    public const string ClientId = "auth-platform-e2e";
    public const string ClientSecret = "e2e-social-client-secret-0123456789";
    private Process? _process;

    public int Port { get; } = FreePort();
    public string Issuer => $"http://127.0.0.1:{Port}";

    /// <summary>npm oidc-provider with one confidential client whose redirect URIs are <paramref name="redirectUris"/>.</summary>
    public Task StartOidcAsync(params string[] redirectUris) => StartAsync("social-idp.mjs", ClientId, ClientSecret, string.Join(',', redirectUris));

    public async Task StartAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = NodePeers.Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(args)) start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, e) => { if (e.Data == "ready") ready.TrySetResult(); };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Positive signal: the script prints "ready" once it listens.
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Social sign-in and enterprise SSO in the hosted UI (issue 12 pts 5, 8), in real Chromium: the social button → npm
/// oidc-provider's login page → <c>/callback/{connectorId}</c> → signed in, the code redeemed by npm openid-client; a
/// first-time user creates an account; linking to an existing password account; SSO by email domain (OIDC, and SAML against
/// npm samlify as the IdP); direct_sign_in.
/// Nothing of the platform's <c>/api/*</c> is faked.
/// </summary>
[Collection(nameof(SignInExperienceChanges))]
public sealed class HostedUiSocialTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HostedUi _ui = new(fixture.Stack);
    private readonly IdpPeer _idp = new();
    private readonly HttpClient _http = new();
    private readonly string _socialId = "e2esocial" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _target = "e2e-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _domain = "corp-" + Guid.NewGuid().ToString("N")[..8] + ".example";
    private string _ssoId = null!;

    public async ValueTask InitializeAsync()
    {
        await ManagementAsync(HttpMethod.Post, "/api/connectors", new
        {
            id = _socialId, connectorId = "oidc", metadata = new { target = _target },
            config = new { issuer = _idp.Issuer, clientId = IdpPeer.ClientId, clientSecret = IdpPeer.ClientSecret, scope = "openid email profile" },
        });
        _ssoId = (await ManagementAsync(HttpMethod.Post, "/api/sso-connectors", new
        {
            providerName = "OIDC", connectorName = "Corp " + Guid.NewGuid().ToString("N")[..8], domains = new[] { _domain },
            config = new { issuer = _idp.Issuer, clientId = IdpPeer.ClientId, clientSecret = IdpPeer.ClientSecret },
        }))!["id"]!.GetValue<string>();
        await _idp.StartOidcAsync(new Uri(_ui.Gateway, $"/callback/{_socialId}").ToString(), new Uri(_ui.Gateway, $"/callback/{_ssoId}").ToString());
        await _ui.PatchSettingsAsync(HostedUi.EmailTenant);
        await _ui.PatchSettingsAsync(new { socialSignInConnectorTargets = new[] { _target }, singleSignOnEnabled = true });
        // signin caches sso-connector's public list briefly: wait until the page's source lists both connectors (positive signal).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var published = await _http.GetStringAsync(new Uri(_ui.Gateway, "/api/.well-known/sign-in-exp"), Ct);
            if (published.Contains(_socialId, StringComparison.Ordinal) && published.Contains(_ssoId, StringComparison.Ordinal)) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The public sign-in experience never listed the test's connectors: " + published);
            await Task.Delay(250, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _ui.PatchSettingsAsync(HostedUi.DefaultSettings);
        await _ui.PatchSettingsAsync(new
        {
            socialSignInConnectorTargets = Array.Empty<string>(), singleSignOnEnabled = false,
            socialSignIn = new { automaticAccountLinking = false, skipRequiredIdentifiers = false },
        });
        await ManagementAsync(HttpMethod.Delete, $"/api/connectors/{_socialId}");
        if (_ssoId is not null) await ManagementAsync(HttpMethod.Delete, $"/api/sso-connectors/{_ssoId}");
        await _idp.DisposeAsync();
        await _ui.DisposeAsync();
        _http.Dispose();
    }

    private async Task<JsonNode?> ManagementAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_ui.Gateway, path)) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.Stack.ManagementTokenAsync(Ct));
        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    private static string NewAccount() => "acct" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>At the IdP's login page (not ours): sign in as <paramref name="account"/>.</summary>
    private async Task SignInAtIdpAsync(IPage page, string account)
    {
        await page.WaitForURLAsync(url => url.StartsWith(_idp.Issuer + "/interaction/", StringComparison.Ordinal), new() { Timeout = 30_000 });
        await page.FillAsync("#account", account);
        await page.ClickAsync("#idp-sign-in");
    }

    /// <summary>The social button on the sign-in page, the IdP's login page, and back.</summary>
    private async Task SocialSignInAsync(IPage page, string clientId, string account)
    {
        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await page.ClickAsync($"#social-{_target}");
        await SignInAtIdpAsync(page, account);
    }

    [Fact]
    public async Task SocialButton_FirstTimeUser_CreatesAnAccount_AndTheCodeIsRedeemed()
    {
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);

        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await Assertions.Expect(page.Locator($"#social-{_target}")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Continue with .+"));
        await HostedUi.AssertAccessibleAsync(page, "sign-in with social buttons");
        await page.ClickAsync($"#social-{_target}");
        await SignInAtIdpAsync(page, NewAccount());

        // Nobody has this identity and no account matches its email: link to an account, or create one.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Link your account");
        Assert.EndsWith($"/social/link/{_socialId}", new Uri(page.Url).AbsolutePath);
        await HostedUi.AssertAccessibleAsync(page, "social link choice");
        await page.ClickAsync("#create-account");
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task SocialButton_ReturningUser_SignsInWithoutAnyQuestion()
    {
        var clientId = await _ui.CreateSpaAsync();
        var account = NewAccount();
        var (first, firstCallback) = await _ui.NewPageAsync();
        await SocialSignInAsync(first, clientId, account);
        await first.ClickAsync("#create-account");
        await HostedUi.CallbackAsync(firstCallback);

        var (page, callback) = await _ui.NewPageAsync();
        await SocialSignInAsync(page, clientId, account);

        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task SocialIdentity_LinkedToAnExistingPasswordAccount_WithAnotherEmail_ThenSignsInToIt()
    {
        var clientId = await _ui.CreateSpaAsync();
        var email = HostedUi.NewEmail();
        var userId = (await ManagementAsync(HttpMethod.Post, "/api/users", new { primaryEmail = email, password = Password }))!["id"]!.GetValue<string>();
        var account = NewAccount();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);

        await SocialSignInAsync(page, clientId, account);
        await page.ClickAsync("#link-other");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to link");
        await HostedUi.AssertAccessibleAsync(page, "prove the account to link");
        await page.FillAsync("#identifier", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await HostedUi.CallbackAsync(callback);

        // The identity now belongs to that account: the next social sign-in lands in it directly.
        var (again, againCallback) = await _ui.NewPageAsync();
        await SocialSignInAsync(again, clientId, account);
        await HostedUi.CallbackAsync(againCallback);
        var user = (await ManagementAsync(HttpMethod.Get, $"/api/users/{userId}"))!;
        Assert.Equal(account, user["identities"]![_target]!["userId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SocialSignIn_WithAutomaticLinking_LinksTheAccountWithTheSameVerifiedEmail()
    {
        await _ui.PatchSettingsAsync(new { socialSignIn = new { automaticAccountLinking = true, skipRequiredIdentifiers = false } });
        var clientId = await _ui.CreateSpaAsync();
        var account = NewAccount();
        // social-idp.mjs vouches for <account>@idp.test.
        await _ui.CreateUserAsync(new { primaryEmail = $"{account}@idp.test", password = Password });
        var (page, callback) = await _ui.NewPageAsync();

        await SocialSignInAsync(page, clientId, account);

        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task IdentifierForm_EmailOfAnSsoDomain_GoesToTheOrganisationsIdp_AndSignsIn()
    {
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync();

        await page.GotoAsync(_ui.AuthorizeUrl(clientId));
        await page.FillAsync("#identifier", "someone@" + _domain.ToUpperInvariant());
        await page.ClickAsync("button[type=submit]");
        await SignInAtIdpAsync(page, NewAccount());

        // A first SSO sign-in creates the user (just in time) with no question.
        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task SingleSignOnScreen_AsksTheServer_UnknownDomainExplained_KnownDomainSignsIn()
    {
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);

        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&first_screen=single_sign_on"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Single sign-on");
        await HostedUi.AssertAccessibleAsync(page, "single sign-on");
        await page.FillAsync("#identifier", "someone@nobody-" + Guid.NewGuid().ToString("N")[..6] + ".example");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("No enterprise single sign-on is set up");
        await page.FillAsync("#identifier", "someone@" + _domain);
        await page.ClickAsync("button[type=submit]");
        await SignInAtIdpAsync(page, NewAccount());

        await HostedUi.CallbackAsync(callback);
    }

    [Fact]
    public async Task IdentifierForm_EmailOfASamlDomain_SignsInThroughSamlifyAsTheIdp()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=samlify e2e IdP", rsa,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await using var samlIdp = new IdpPeer();
        var entityId = $"{samlIdp.Issuer}/metadata";
        var domain = "saml-" + Guid.NewGuid().ToString("N")[..8] + ".example";
        var connectorId = (await ManagementAsync(HttpMethod.Post, "/api/sso-connectors", new
        {
            providerName = "SAML", connectorName = "SAML corp " + Guid.NewGuid().ToString("N")[..8], domains = new[] { domain },
            config = new { entityId, signInEndpoint = $"{samlIdp.Issuer}/sso", x509Certificate = certificate.ExportCertificatePem() },
        }))!["id"]!.GetValue<string>();
        try
        {
            var spMetadata = await _http.GetStringAsync(new Uri(_ui.Gateway, $"/api/authn/single-sign-on/saml/{connectorId}/metadata"), Ct);
            await samlIdp.StartAsync("saml-idp-server.mjs", System.Text.Json.JsonSerializer.Serialize(new
            {
                spMetadata, entityId, privateKey = rsa.ExportPkcs8PrivateKeyPem(), certificate = certificate.ExportCertificatePem(), emailDomain = domain,
            }));
            var clientId = await _ui.CreateSpaAsync();
            var (page, callback) = await _ui.NewPageAsync();

            await page.GotoAsync(_ui.AuthorizeUrl(clientId));
            await page.FillAsync("#identifier", "someone@" + domain);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(url => url.StartsWith(samlIdp.Issuer + "/sso", StringComparison.Ordinal), new() { Timeout = 30_000 });
            var account = NewAccount();
            await page.FillAsync("#account", account);
            await page.ClickAsync("#idp-sign-in");
            // The IdP's signed response goes to our ACS in the browser's POST (HTTP-POST binding), then back to the UI.
            await page.ClickAsync("#idp-continue");

            await HostedUi.CallbackAsync(callback);
        }
        finally
        {
            await ManagementAsync(HttpMethod.Delete, $"/api/sso-connectors/{connectorId}");
        }
    }

    [Theory]
    [InlineData("social")]
    [InlineData("sso")]
    public async Task DirectSignIn_GoesStraightToTheIdp_WithoutShowingTheSignInPage(string kind)
    {
        var clientId = await _ui.CreateSpaAsync();
        var (page, callback) = await _ui.NewPageAsync(bypassCsp: true);
        // Every document of the hosted UI reports the path where a form first appeared in it.
        var formsSeenAt = new System.Collections.Concurrent.ConcurrentBag<string>();
        await page.ExposeFunctionAsync("__formSeen", (string path) => formsSeenAt.Add(path));
        await page.AddInitScriptAsync("if (location.origin === '" + _ui.Gateway.GetLeftPart(UriPartial.Authority) + "') {" + """
              new MutationObserver(() => {
                if (document.querySelector('form') && !window.__reported) { window.__reported = true; window.__formSeen(location.pathname); }
              }).observe(document, { childList: true, subtree: true });
            }
            """);

        var direct = kind == "social" ? $"social:{_target}" : $"sso:{_ssoId}";
        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&direct_sign_in=" + Uri.EscapeDataString(direct)));
        await SignInAtIdpAsync(page, NewAccount());
        if (kind == "social") await page.ClickAsync("#create-account");
        await HostedUi.CallbackAsync(callback);

        // Positive signal first (tokens redeemed): then no page before the IdP showed a form (only the link choice after it may).
        Assert.All(formsSeenAt, path => Assert.StartsWith("/social/link/", path));
        // …and the observer did watch the hosted UI (the social link choice is a form it reported).
        if (kind == "social") Assert.Contains(formsSeenAt, path => path.StartsWith("/social/link/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DirectSignIn_UnknownConnector_FallsBackToTheSignInPage()
    {
        var clientId = await _ui.CreateSpaAsync();
        var (page, _) = await _ui.NewPageAsync();

        await page.GotoAsync(_ui.AuthorizeUrl(clientId, "&direct_sign_in=social:nosuchtarget"));

        await Assertions.Expect(page.Locator("#identifier")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"#social-{_target}")).ToBeVisibleAsync();
    }
}
