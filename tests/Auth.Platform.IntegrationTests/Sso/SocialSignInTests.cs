using System.Text.Json.Nodes;
using Auth.Platform.Testing;
using Microsoft.AspNetCore.WebUtilities;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>npm oidc-provider (OpenID Certified) on loopback playing the external social IdP, one per test class.</summary>
public sealed class SocialIdpFixture : IAsyncLifetime
{
    public const string ClientId = "auth-platform";
    public const string ClientSecret = "social-client-secret-0123456789abcdef";
    public const string RedirectUri = "http://127.0.0.1:5999/callback/social";
    public NodeServer Server { get; private set; } = null!;
    public string Issuer => $"http://127.0.0.1:{Server.Port}";

    public async ValueTask InitializeAsync() => Server = await NodeServer.StartAsync("social-idp.mjs", ClientId, ClientSecret, RedirectUri);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Social sign-in through sso-connector's internal API against a real OpenID provider (issue 12 pt 2): the generic OIDC
/// factory (discovery, PKCE, nonce, ID token against the provider's JWKS) and the generic OAuth 2.0 factory (userinfo +
/// claim map); a bad callback always ends in a stable code, never a 500.
/// </summary>
public sealed class SocialSignInTests(PlatformStackFixture fixture, SocialIdpFixture idp) : IAsyncLifetime, IClassFixture<SocialIdpFixture>
{
    private SsoApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await SsoApi.CreateAsync(fixture.Stack);

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private async Task<string> OidcConnectorAsync(bool trustUnverifiedEmail = false) =>
        (await _api.CreateAsync("/api/connectors", new
        {
            connectorId = "oidc",
            config = new { issuer = idp.Issuer, clientId = SocialIdpFixture.ClientId, clientSecret = SocialIdpFixture.ClientSecret, scope = "openid email profile", trustUnverifiedEmail },
            metadata = new { target = "oidc-" + Guid.NewGuid().ToString("N")[..8] },
        }))["id"]!.GetValue<string>();

    private async Task<string> OAuth2ConnectorAsync() =>
        (await _api.CreateAsync("/api/connectors", new
        {
            connectorId = "oauth2",
            config = new
            {
                authorizationEndpoint = idp.Issuer + "/auth", tokenEndpoint = idp.Issuer + "/token", userInfoEndpoint = idp.Issuer + "/me",
                clientId = SocialIdpFixture.ClientId, clientSecret = SocialIdpFixture.ClientSecret, scope = "openid email profile",
                profileMap = new { id = "sub", email = "email", name = "name", avatar = "picture" },
            },
            metadata = new { target = "oauth-" + Guid.NewGuid().ToString("N")[..8] },
        }))["id"]!.GetValue<string>();

    private async Task<(string SessionId, string AuthorizationUri)> StartAsync(string connectorId, string state)
    {
        var (status, body) = await _api.PostInternalAsync($"/internal/connectors/{connectorId}/authorization-uri",
            new { state, redirectUri = SocialIdpFixture.RedirectUri });
        Assert.True(status == 200, body.ToJsonString());
        return (body["connectorSessionId"]!.GetValue<string>(), body["authorizationUri"]!.GetValue<string>());
    }

    /// <summary>The user's browser at the IdP: follow the authorization request, "log in" as <paramref name="account"/>, land on the callback.</summary>
    private async Task<JsonObject> SignInAtIdpAsync(string authorizationUri, string account, bool deny = false)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new() }) { BaseAddress = new Uri(idp.Issuer) };
        var location = new Uri(authorizationUri);
        for (var hop = 0; hop < 5; hop++)
        {
            using var response = await browser.GetAsync(location, Ct);
            Assert.True((int)response.StatusCode is 302 or 303, $"{location}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            location = new Uri(new Uri(idp.Issuer), response.Headers.Location!);
            if (location.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal))
                location = new Uri(location + (deny ? "?deny=1" : "?as=" + account));
            if (location.ToString().StartsWith(SocialIdpFixture.RedirectUri, StringComparison.Ordinal))
            {
                var data = new JsonObject();
                foreach (var (key, value) in QueryHelpers.ParseQuery(location.Query)) data[key] = value.ToString();
                return data;
            }
        }
        throw new InvalidOperationException("The IdP never redirected back.");
    }

    private Task<(int Status, JsonObject Body)> VerifyAsync(string connectorId, string sessionId, JsonObject connectorData) =>
        _api.PostInternalAsync($"/internal/connectors/{connectorId}/verify", new { connectorSessionId = sessionId, connectorData });

    private static void AssertProblem((int Status, JsonObject Body) answer, int status, string code)
    {
        Assert.True(answer.Status == status, answer.Body.ToJsonString());
        Assert.Equal(code, answer.Body["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task OidcConnector_AuthorizationUriThenProviderLoginThenVerify_ReturnsTheVerifiedIdentity()
    {
        var connectorId = await OidcConnectorAsync();
        var (sessionId, authorizationUri) = await StartAsync(connectorId, "state-1");
        var query = QueryHelpers.ParseQuery(new Uri(authorizationUri).Query);
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.False(string.IsNullOrEmpty(query["nonce"].ToString()));
        Assert.StartsWith(idp.Issuer + "/auth?", authorizationUri);

        var callback = await SignInAtIdpAsync(authorizationUri, "bob");
        var (status, identity) = await VerifyAsync(connectorId, sessionId, callback);

        Assert.True(status == 200, identity.ToJsonString());
        Assert.Equal(connectorId, identity["connectorId"]!.GetValue<string>());
        Assert.Equal("social", identity["kind"]!.GetValue<string>());
        Assert.StartsWith("oidc-", identity["target"]!.GetValue<string>());
        var user = identity["userInfo"]!;
        Assert.Equal("bob", user["id"]!.GetValue<string>());
        Assert.Equal("bob@idp.test", user["email"]!.GetValue<string>());
        Assert.True(user["emailVerified"]!.GetValue<bool>());
        Assert.Equal("User bob", user["name"]!.GetValue<string>());
        Assert.Equal(idp.Issuer, user["rawData"]!["iss"]!.GetValue<string>());
    }

    [Fact]
    public async Task EnterpriseOidcConnector_ReusesTheFlow_AndAnswersAnSsoIdentityNamedByTheIssuer()
    {
        var connectorId = (await _api.CreateAsync("/api/sso-connectors", new
        {
            providerName = "OIDC", connectorName = "okta " + Guid.NewGuid().ToString("N")[..8],
            config = new { issuer = idp.Issuer, clientId = SocialIdpFixture.ClientId, clientSecret = SocialIdpFixture.ClientSecret },
        }))["id"]!.GetValue<string>();
        var (sessionId, uri) = await StartAsync(connectorId, "sso-state");

        var (status, identity) = await VerifyAsync(connectorId, sessionId, await SignInAtIdpAsync(uri, "harry"));

        Assert.True(status == 200, identity.ToJsonString());
        Assert.Equal("sso", identity["kind"]!.GetValue<string>());
        Assert.Equal(idp.Issuer, identity["target"]!.GetValue<string>());
        Assert.Equal("harry", identity["userInfo"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task OidcConnector_UnverifiedProviderEmail_IsNotTrusted_UnlessTheConnectorSaysSo()
    {
        foreach (var trust in new[] { false, true })
        {
            var connectorId = await OidcConnectorAsync(trustUnverifiedEmail: trust);
            var (sessionId, uri) = await StartAsync(connectorId, "s");
            var (status, identity) = await VerifyAsync(connectorId, sessionId, await SignInAtIdpAsync(uri, "unverified-carol"));
            Assert.True(status == 200, identity.ToJsonString());
            Assert.Equal(trust, identity["userInfo"]!["emailVerified"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task OAuth2Connector_MapsTheUserinfoAnswerThroughTheProfileMap()
    {
        var connectorId = await OAuth2ConnectorAsync();
        var (sessionId, uri) = await StartAsync(connectorId, "state-oauth");
        Assert.DoesNotContain("nonce=", uri);

        var (status, identity) = await VerifyAsync(connectorId, sessionId, await SignInAtIdpAsync(uri, "dave"));

        Assert.True(status == 200, identity.ToJsonString());
        var user = identity["userInfo"]!;
        Assert.Equal("dave", user["id"]!.GetValue<string>());
        Assert.Equal("dave@idp.test", user["email"]!.GetValue<string>());
        Assert.Equal("https://idp.test/dave.png", user["avatar"]!.GetValue<string>());
        // OAuth 2.0 says nothing about verification unless the map names a field for it.
        Assert.False(user["emailVerified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Verify_ReplayedCallback_Returns400ConnectorSessionNotFound()
    {
        var connectorId = await OidcConnectorAsync();
        var (sessionId, uri) = await StartAsync(connectorId, "s");
        var callback = await SignInAtIdpAsync(uri, "erin");
        Assert.Equal(200, (await VerifyAsync(connectorId, sessionId, callback)).Status);

        AssertProblem(await VerifyAsync(connectorId, sessionId, callback), 400, "session.connector_session_not_found");
    }

    [Fact]
    public async Task Verify_StateMismatch_Returns400InvalidRequestParameters_AndTheSessionIsSpent()
    {
        var connectorId = await OidcConnectorAsync();
        var (sessionId, uri) = await StartAsync(connectorId, "the-real-state");
        var callback = await SignInAtIdpAsync(uri, "frank");
        var forged = (JsonObject)callback.DeepClone();
        forged["state"] = "an-attackers-state";

        var answer = await VerifyAsync(connectorId, sessionId, forged);

        AssertProblem(answer, 400, "connector.invalid_request_parameters");
        Assert.Equal("state_mismatch", answer.Body["data"]!["reason"]!.GetValue<string>());
        AssertProblem(await VerifyAsync(connectorId, sessionId, callback), 400, "session.connector_session_not_found");
    }

    [Fact]
    public async Task Verify_ProviderError_Returns400AuthorizationFailed()
    {
        var connectorId = await OidcConnectorAsync();
        var (sessionId, uri) = await StartAsync(connectorId, "s");
        var callback = await SignInAtIdpAsync(uri, "", deny: true);
        Assert.Equal("access_denied", callback["error"]!.GetValue<string>());

        var answer = await VerifyAsync(connectorId, sessionId, callback);

        AssertProblem(answer, 400, "connector.authorization_failed");
        Assert.Equal("access_denied", answer.Body["data"]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Verify_ACodeIssuedToAnotherSession_IsRefusedByPkce_Returns400SocialAuthCodeInvalid()
    {
        var connectorId = await OidcConnectorAsync();
        var (victimSession, _) = await StartAsync(connectorId, "same-state");
        var (_, attackerUri) = await StartAsync(connectorId, "same-state");
        var attackerCallback = await SignInAtIdpAsync(attackerUri, "mallory");

        AssertProblem(await VerifyAsync(connectorId, victimSession, attackerCallback), 400, "connector.social_auth_code_invalid");
    }

    [Fact]
    public async Task Verify_IdTokenWithAnotherNonce_Returns400SocialInvalidIdToken()
    {
        var connectorId = await OidcConnectorAsync();
        var (sessionId, uri) = await StartAsync(connectorId, "s");
        // The front channel is the attacker's: the nonce is swapped on the way to the provider (PKCE still matches).
        var tampered = uri.Replace("nonce=" + QueryHelpers.ParseQuery(new Uri(uri).Query)["nonce"], "nonce=attacker-chosen-nonce", StringComparison.Ordinal);
        Assert.NotEqual(uri, tampered);

        var answer = await VerifyAsync(connectorId, sessionId, await SignInAtIdpAsync(tampered, "ivy"));

        AssertProblem(answer, 400, "connector.social_invalid_id_token");
        Assert.Equal("nonce_mismatch", answer.Body["data"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Verify_WithTheSessionOfAnotherConnector_Returns400ConnectorIdMismatch()
    {
        var (connectorA, connectorB) = (await OidcConnectorAsync(), await OidcConnectorAsync());
        var (sessionId, uri) = await StartAsync(connectorA, "s");
        var callback = await SignInAtIdpAsync(uri, "gina");

        AssertProblem(await VerifyAsync(connectorB, sessionId, callback), 400, "session.connector_id_mismatch");
    }

    [Fact]
    public async Task AuthorizationUri_ForAnUnknownConnector_Returns404InvalidConnectorId()
    {
        var answer = await _api.PostInternalAsync("/internal/connectors/nope123/authorization-uri", new { state = "s", redirectUri = SocialIdpFixture.RedirectUri });
        AssertProblem(answer, 404, "session.invalid_connector_id");
    }

    [Theory]
    [InlineData(null, SocialIdpFixture.RedirectUri)]
    [InlineData("s", "not-a-url")]
    [InlineData("s", "javascript:alert(1)")]
    public async Task AuthorizationUri_WithBadInput_Returns400GuardInvalidInput(string? state, string redirectUri)
    {
        var connectorId = await OidcConnectorAsync();
        var answer = await _api.PostInternalAsync($"/internal/connectors/{connectorId}/authorization-uri", new { state, redirectUri });
        AssertProblem(answer, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task AuthorizationUri_ForAnIssuerThatIsDown_Returns502ConnectorGeneral()
    {
        var id = (await _api.CreateAsync("/api/connectors", new
        {
            connectorId = "oidc",
            config = new { issuer = "http://127.0.0.1:9", clientId = "c", clientSecret = "s" },
            metadata = new { target = "down-" + Guid.NewGuid().ToString("N")[..8] },
        }))["id"]!.GetValue<string>();

        AssertProblem(await _api.PostInternalAsync($"/internal/connectors/{id}/authorization-uri", new { state = "s", redirectUri = SocialIdpFixture.RedirectUri }),
            502, "connector.general");
    }

    [Fact]
    public async Task InternalApi_WithoutAServiceToken_Returns401()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Stack.ServiceUrl("sso-connector") };
        using var response = await anonymous.PostAsync("/internal/connectors/x/verify", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ManagementAuthorizationUri_AnswersLogtosRedirectTo()
    {
        var connectorId = await OidcConnectorAsync();
        var answer = await _api.CreateAsync($"/api/connectors/{connectorId}/authorization-uri", new { state = "s", redirectUri = SocialIdpFixture.RedirectUri });
        Assert.StartsWith(idp.Issuer + "/auth?", answer["redirectTo"]!.GetValue<string>());
    }

    [Fact]
    public async Task ManagementTest_OfAnOidcConfig_Resolves_ThenRefusesAnIssuerWithoutDiscovery()
    {
        using (var ok = await _api.Management.PostAsync("/api/connectors/oidc/test", System.Net.Http.Json.JsonContent.Create(new
        {
            config = new { issuer = idp.Issuer, clientId = "c", clientSecret = "s" },
        }), Ct))
            Assert.Equal(System.Net.HttpStatusCode.NoContent, ok.StatusCode);

        using var bad = await _api.Management.PostAsync("/api/connectors/oidc/test", System.Net.Http.Json.JsonContent.Create(new
        {
            config = new { issuer = idp.Issuer + "/nothing-here", clientId = "c", clientSecret = "s" },
        }), Ct);
        Assert.True((int)bad.StatusCode is 400 or 502, await bad.Content.ReadAsStringAsync(Ct));
    }
}
