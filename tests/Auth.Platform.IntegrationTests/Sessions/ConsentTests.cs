using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Sessions;

/// <summary>
/// Consent for third-party applications (logto.md §9): only missing scopes are asked, a grant is reused,
/// <c>prompt=consent</c> asks again, <c>prompt=none</c> without a grant is <c>consent_required</c>, cancel is
/// <c>access_denied</c>, and revoking the grant in the Account API kills the application's refresh tokens.
/// </summary>
public sealed class ConsentTests(PlatformStackFixture fixture) : IDisposable
{
    private const string RedirectUri = "http://localhost:3000/callback";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task ThirdParty_AsksOnlyMissingScopes_ThenReusesTheGrant()
    {
        var (_, thirdParty) = await SignedInWithThirdPartyAppAsync();
        var (verifier, challenge) = SigninClient.NewPkce();
        var consent = await AuthorizeExpectingConsentAsync(thirdParty, challenge, "openid profile offline_access");
        Assert.Equal(["profile", "offline_access"], consent.GetProperty("missingOIDCScope").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(thirdParty, consent.GetProperty("application").GetProperty("id").GetString());
        Assert.Equal(RedirectUri, consent.GetProperty("redirectUri").GetString());

        var code = await DecideAsync(HttpMethod.Post);
        var tokens = await _client.RedeemAsync(thirdParty, SigninClient.Query(code, "code")!, RedirectUri, verifier);
        Assert.True(tokens.TryGetProperty("refresh_token", out _), tokens.ToString());

        // Granted: straight back with a code.
        var (_, again) = SigninClient.NewPkce();
        using (var second = await _client.GetAsync(SigninClient.AuthorizePath(thirdParty, RedirectUri, again)))
            SigninClient.CodeFrom(second, RedirectUri);
        // A new scope: only that one is asked.
        var (_, more) = SigninClient.NewPkce();
        var extra = await AuthorizeExpectingConsentAsync(thirdParty, more, "openid profile email");
        Assert.Equal(["email"], extra.GetProperty("missingOIDCScope").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ThirdParty_PromptConsent_AsksAgainEvenWithAGrant_AndPromptNoneWithoutGrantIsConsentRequired()
    {
        var (_, thirdParty) = await SignedInWithThirdPartyAppAsync();
        var (_, challenge) = SigninClient.NewPkce();
        using (var silent = await _client.GetAsync(SigninClient.AuthorizePath(thirdParty, RedirectUri, challenge, extra: "&prompt=none")))
        {
            Assert.Equal(HttpStatusCode.Redirect, silent.StatusCode);
            Assert.Equal("consent_required", SigninClient.Query(silent.Headers.Location!.ToString(), "error"));
        }
        await AuthorizeExpectingConsentAsync(thirdParty, challenge, "openid profile offline_access");
        SigninClient.Query(await DecideAsync(HttpMethod.Post), "code");

        var (_, forced) = SigninClient.NewPkce();
        using var response = await _client.GetAsync(SigninClient.AuthorizePath(thirdParty, RedirectUri, forced, extra: "&prompt=consent"));
        Assert.Equal(_client.PublicUrl + "/consent", response.Headers.Location?.ToString());
        var location = await DecideAsync(HttpMethod.Post);
        Assert.NotNull(SigninClient.Query(location, "code"));
    }

    [Fact]
    public async Task ThirdParty_Cancel_ReturnsAccessDeniedWithState()
    {
        var (_, thirdParty) = await SignedInWithThirdPartyAppAsync();
        var (_, challenge) = SigninClient.NewPkce();
        await AuthorizeExpectingConsentAsync(thirdParty, challenge, "openid profile");
        var location = await DecideAsync(HttpMethod.Delete);
        Assert.Equal("access_denied", SigninClient.Query(location, "error"));
        Assert.Equal("state-1", SigninClient.Query(location, "state"));
    }

    [Fact]
    public async Task Consent_WithoutPendingRequest_Returns400SessionNotFound()
    {
        using var response = await _client.Http.GetAsync("/api/interaction/consent", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("session.not_found", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task MyAccountGrants_ListsTheGrant_AndRevokingItKillsTheApplicationsRefreshTokens()
    {
        var (firstParty, thirdParty) = await SignedInWithThirdPartyAppAsync();
        var (verifier, challenge) = SigninClient.NewPkce();
        await AuthorizeExpectingConsentAsync(thirdParty, challenge, "openid profile offline_access");
        var thirdTokens = await _client.RedeemAsync(thirdParty, SigninClient.Query(await DecideAsync(HttpMethod.Post), "code")!, RedirectUri, verifier);

        var (accountVerifier, accountChallenge) = SigninClient.NewPkce();
        using var authorize = await _client.GetAsync(SigninClient.AuthorizePath(firstParty, RedirectUri, accountChallenge, "openid offline_access urn:logto:scope:sessions"));
        var accountToken = (await _client.RedeemAsync(firstParty, SigninClient.CodeFrom(authorize, RedirectUri), RedirectUri, accountVerifier))
            .GetProperty("access_token").GetString()!;

        using var list = await SendAsync(HttpMethod.Get, "/api/my-account/grants", accountToken);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var grant = Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray());
        Assert.Equal(thirdParty, grant.GetProperty("applicationId").GetString());
        Assert.Contains("offline_access", grant.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));

        using var revoked = await SendAsync(HttpMethod.Delete, "/api/my-account/grants/" + grant.GetProperty("id").GetString(), accountToken);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var refreshed = await _client.RefreshAsync(thirdParty, thirdTokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal("invalid_grant", refreshed.GetProperty("error").GetString());
        using var again = await SendAsync(HttpMethod.Delete, "/api/my-account/grants/" + grant.GetProperty("id").GetString(), accountToken);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        // The next request asks again.
        var (_, next) = SigninClient.NewPkce();
        await AuthorizeExpectingConsentAsync(thirdParty, next, "openid profile");
    }

    // --- helpers ---

    /// <summary>A user registered through a first-party app (signed in), and a third-party app.</summary>
    [Fact]
    public async Task UserConsentScopes_LimitWhatAThirdPartyAppIsAskedAndGranted()
    {
        var (_, thirdParty) = await SignedInWithThirdPartyAppAsync();
        using (var empty = await _client.ManagementAsync(HttpMethod.Get, $"/api/applications/{thirdParty}/user-consent-scopes"))
            Assert.Empty((await empty.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("userScopes").EnumerateArray());
        using (var bad = await _client.ManagementAsync(HttpMethod.Post, $"/api/applications/{thirdParty}/user-consent-scopes", new { userScopes = new[] { "everything" } }))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var added = await _client.ManagementAsync(HttpMethod.Post, $"/api/applications/{thirdParty}/user-consent-scopes", new { userScopes = new[] { "profile", "email" } }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            Assert.Equal(["profile", "email"], (await added.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("userScopes").EnumerateArray().Select(e => e.GetString()));
        }
        using (var removed = await _client.ManagementAsync(HttpMethod.Delete, $"/api/applications/{thirdParty}/user-consent-scopes/user-scopes/email"))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        // phone is not a consent scope of this app: it is neither asked nor granted.
        var (verifier, challenge) = SigninClient.NewPkce();
        var consent = await AuthorizeExpectingConsentAsync(thirdParty, challenge, "openid profile email phone offline_access");
        Assert.Equal(["profile", "offline_access"], consent.GetProperty("missingOIDCScope").EnumerateArray().Select(e => e.GetString()));
        var code = await DecideAsync(HttpMethod.Post);
        var tokens = await _client.RedeemAsync(thirdParty, SigninClient.Query(code, "code")!, RedirectUri, verifier);
        Assert.Equal(["offline_access", "openid", "profile"], tokens.GetProperty("scope").GetString()!.Split(' ').Order());
    }

    private async Task<(string FirstParty, string ThirdParty)> SignedInWithThirdPartyAppAsync()
    {
        var firstParty = await CreateAppAsync(isThirdParty: false);
        var (_, challenge) = SigninClient.NewPkce();
        await _client.RegisterAndGetCodeAsync(firstParty, RedirectUri, challenge, SigninClient.NewUsername());
        return (firstParty, await CreateAppAsync(isThirdParty: true));
    }

    private async Task<string> CreateAppAsync(bool isThirdParty)
    {
        using var created = await _client.ManagementAsync(HttpMethod.Post, "/api/applications", new
        {
            name = isThirdParty ? "Third-party app" : "First-party app", type = "SPA", isThirdParty,
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri } },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> AuthorizeExpectingConsentAsync(string clientId, string challenge, string scope)
    {
        using var response = await _client.GetAsync(SigninClient.AuthorizePath(clientId, RedirectUri, challenge, scope));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(_client.PublicUrl + "/consent", response.Headers.Location?.ToString());
        using var consent = await _client.Http.GetAsync("/api/interaction/consent", Ct);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        return await consent.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Grants (POST) or cancels (DELETE), follows redirectTo and returns where the client is sent.</summary>
    private async Task<string> DecideAsync(HttpMethod method)
    {
        using var decision = await _client.Http.SendAsync(new HttpRequestMessage(method, "/api/interaction/consent"), Ct);
        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
        var redirectTo = (await decision.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("redirectTo").GetString()!;
        Assert.StartsWith(_client.Issuer + "/auth?", redirectTo);
        using var resumed = await _client.GetAsync(redirectTo);
        Assert.Equal(HttpStatusCode.Redirect, resumed.StatusCode);
        var location = resumed.Headers.Location!.ToString();
        Assert.StartsWith(RedirectUri + "?", location);
        return location;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", accessToken);
        return await _client.Http.SendAsync(request, Ct);
    }
}
