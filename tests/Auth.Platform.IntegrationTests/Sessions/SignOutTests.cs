using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Sessions;

/// <summary>
/// RP-initiated logout at <c>/oidc/session/end</c> (reliability.md C-L01..C-L11, P-L1) through the gateway, raw HTTP
/// with redirects not followed: a trusted request ends the session and returns to the client with <c>state</c>;
/// anything else never redirects.
/// </summary>
public sealed partial class SignOutTests(PlatformStackFixture fixture) : IDisposable
{
    private const string RedirectUri = "http://localhost:3000/callback";
    private const string PostLogoutUri = "http://localhost:3000/signed-out";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Discovery_AdvertisesEndSessionAndBackChannelLogout()
    {
        var document = await _client.Http.GetFromJsonAsync<JsonElement>("/oidc/.well-known/openid-configuration", Ct);
        Assert.Equal(_client.Issuer + "/session/end", document.GetProperty("end_session_endpoint").GetString());
        Assert.True(document.GetProperty("backchannel_logout_supported").GetBoolean());
        Assert.True(document.GetProperty("backchannel_logout_session_supported").GetBoolean());
    }

    [Fact]
    public async Task EndSession_WithValidHintAndRegisteredUri_RedirectsWithStateAndEndsTheSession()
    {
        var (clientId, tokens) = await SignInAsync();
        using var response = await _client.GetAsync(EndSessionPath(tokens.GetProperty("id_token").GetString(), PostLogoutUri, "st-42", clientId));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(PostLogoutUri + "?state=st-42", response.Headers.Location?.ToString());
        await AssertSignedOutAsync(clientId);
    }

    [Fact]
    public async Task EndSession_WithValidHintWithoutClientIdOrState_RedirectsWithoutState()
    {
        var (clientId, tokens) = await SignInAsync();
        using var response = await _client.GetAsync(EndSessionPath(tokens.GetProperty("id_token").GetString(), PostLogoutUri, null, null));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(PostLogoutUri, response.Headers.Location?.ToString());
        await AssertSignedOutAsync(clientId);
    }

    [Theory]
    [InlineData("http://localhost:3000/not-registered")]
    [InlineData(PostLogoutUri + "?foo=bar")]
    [InlineData(PostLogoutUri + "/")]
    [InlineData("https://evil.example/signed-out")]
    public async Task EndSession_WithUnregisteredOrExtendedUri_Returns400PageWithoutRedirect(string uri)
    {
        var (clientId, tokens) = await SignInAsync();
        using var response = await _client.GetAsync(EndSessionPath(tokens.GetProperty("id_token").GetString(), uri, "st", clientId));
        await AssertNoRedirectAsync(response, HttpStatusCode.BadRequest);
        await AssertStillSignedInAsync(clientId);
    }

    [Fact]
    public async Task EndSession_WithAlgNoneHint_AsksForConfirmationWithoutRedirect()
    {
        var (clientId, tokens) = await SignInAsync();
        var parts = tokens.GetProperty("id_token").GetString()!.Split('.');
        var none = B64(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}")) + "." + parts[1] + ".";
        using var response = await _client.GetAsync(EndSessionPath(none, PostLogoutUri, "st", clientId));
        // OpenIddict ignores a hint it cannot validate; the request is then as good as one without a hint.
        Assert.Contains("id=\"logout-form\"", await AssertNoRedirectAsync(response, HttpStatusCode.OK));
        await AssertStillSignedInAsync(clientId);
    }

    [Fact]
    public async Task EndSession_WithHintSignedByAForeignKey_AsksForConfirmationWithoutRedirect()
    {
        var (clientId, tokens) = await SignInAsync();
        var parts = tokens.GetProperty("id_token").GetString()!.Split('.');
        using var foreign = RSA.Create(2048);
        // Same header (alg and our kid), same claims: only the key differs.
        var signed = parts[0] + "." + parts[1];
        var forged = signed + "." + B64(foreign.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var response = await _client.GetAsync(EndSessionPath(forged, PostLogoutUri, "st", clientId));
        Assert.Contains("id=\"logout-form\"", await AssertNoRedirectAsync(response, HttpStatusCode.OK));
        await AssertStillSignedInAsync(clientId);
    }

    [Fact]
    public async Task EndSession_WithoutHint_AsksForConfirmationAndRedirectsOnlyAfterTheConfirmedPost()
    {
        var (clientId, _) = await SignInAsync();
        using var page = await _client.GetAsync(EndSessionPath(null, PostLogoutUri, "st-5", clientId));
        var html = await AssertNoRedirectAsync(page, HttpStatusCode.OK);
        Assert.Contains("id=\"logout-form\"", html);
        await AssertStillSignedInAsync(clientId);

        using var confirmed = await _client.Http.PostAsync("/oidc/session/end", new FormUrlEncodedContent(FormOf(html, ("logout", "true"))), Ct);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(PostLogoutUri + "?state=st-5", confirmed.Headers.Location?.ToString());
        await AssertSignedOutAsync(clientId);
    }

    [Fact]
    public async Task EndSession_ConfirmationPostWithoutTheAntiforgeryToken_IsRefusedAndKeepsTheSession()
    {
        var (clientId, _) = await SignInAsync();
        using var page = await _client.GetAsync("/oidc/session/end");
        var html = await AssertNoRedirectAsync(page, HttpStatusCode.OK);
        var form = FormOf(html, ("logout", "true")).Where(p => !p.Key.StartsWith("__RequestVerificationToken", StringComparison.Ordinal));
        using var forged = await _client.Http.PostAsync("/oidc/session/end", new FormUrlEncodedContent(form), Ct);
        await AssertNoRedirectAsync(forged, HttpStatusCode.BadRequest);
        await AssertStillSignedInAsync(clientId);
    }

    [Fact]
    public async Task EndSession_WithNoParamsAndConfirmation_ShowsTheSignedOutPage()
    {
        var (clientId, _) = await SignInAsync();
        using var page = await _client.GetAsync("/oidc/session/end");
        var html = await AssertNoRedirectAsync(page, HttpStatusCode.OK);
        using var confirmed = await _client.Http.PostAsync("/oidc/session/end", new FormUrlEncodedContent(FormOf(html, ("logout", "true"))), Ct);
        Assert.Contains("id=\"signed-out\"", await AssertNoRedirectAsync(confirmed, HttpStatusCode.OK));
        await AssertSignedOutAsync(clientId);
    }

    [Fact]
    public async Task EndSession_WithOnlyStateAndNoSession_ShowsTheSignedOutPage()
    {
        using var response = await _client.GetAsync("/oidc/session/end?state=only-state");
        Assert.Contains("id=\"signed-out\"", await AssertNoRedirectAsync(response, HttpStatusCode.OK));
    }

    [Fact]
    public async Task EndSession_HintOfAnotherUser_AsksForConfirmationInsteadOfRedirecting()
    {
        var (clientId, tokens) = await SignInAsync();
        // Another browser, another user, same client: its ID token must not sign out the first browser's user.
        using var other = new SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
        var (verifier, challenge) = SigninClient.NewPkce();
        var code = await other.RegisterAndGetCodeAsync(clientId, RedirectUri, challenge, SigninClient.NewUsername());
        var otherTokens = await other.RedeemAsync(clientId, code, RedirectUri, verifier);
        using var response = await _client.GetAsync(EndSessionPath(otherTokens.GetProperty("id_token").GetString(), PostLogoutUri, "st", clientId));
        Assert.Contains("id=\"logout-form\"", await AssertNoRedirectAsync(response, HttpStatusCode.OK));
        await AssertStillSignedInAsync(clientId);
        Assert.NotNull(tokens.GetProperty("id_token").GetString());
    }

    [Fact]
    public async Task SignOut_RevokesGrantsWithoutOfflineAccess_AndKeepsRefreshTokensOfOfflineAccess()
    {
        var (clientId, offline) = await SignInAsync();
        // A second authorization in the same session, without offline_access.
        var (verifier, challenge) = SigninClient.NewPkce();
        using var authorize = await _client.GetAsync(SigninClient.AuthorizePath(clientId, RedirectUri, challenge, scope: "openid profile"));
        var online = await _client.RedeemAsync(clientId, SigninClient.CodeFrom(authorize, RedirectUri), RedirectUri, verifier);
        Assert.Equal(HttpStatusCode.OK, await UserInfoStatusAsync(online.GetProperty("access_token").GetString()!));

        using var response = await _client.GetAsync(EndSessionPath(online.GetProperty("id_token").GetString(), PostLogoutUri, "st", clientId));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await UserInfoStatusAsync(online.GetProperty("access_token").GetString()!));
        var refreshed = await _client.RefreshAsync(clientId, offline.GetProperty("refresh_token").GetString()!);
        Assert.True(refreshed.TryGetProperty("access_token", out _), refreshed.ToString());
    }

    // --- helpers ---

    private async Task<(string ClientId, JsonElement Tokens)> SignInAsync()
    {
        using var created = await _client.ManagementAsync(HttpMethod.Post, "/api/applications", new
        {
            name = "logout test", type = "SPA",
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri }, postLogoutRedirectUris = new[] { PostLogoutUri } },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        var (verifier, challenge) = SigninClient.NewPkce();
        var code = await _client.RegisterAndGetCodeAsync(clientId, RedirectUri, challenge, SigninClient.NewUsername());
        var tokens = await _client.RedeemAsync(clientId, code, RedirectUri, verifier);
        Assert.True(tokens.TryGetProperty("id_token", out _), tokens.ToString());
        return (clientId, tokens);
    }

    private static string EndSessionPath(string? hint, string? uri, string? state, string? clientId) =>
        "/oidc/session/end?" + string.Join('&', new Dictionary<string, string?>
        {
            ["id_token_hint"] = hint, ["post_logout_redirect_uri"] = uri, ["state"] = state, ["client_id"] = clientId,
        }.Where(p => p.Value is not null).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!)));

    /// <summary>prompt=none answers login_required once the session is gone (C-L02), a code while it lives.</summary>
    private async Task<string?> SilentAuthorizeErrorAsync(string clientId)
    {
        var (_, challenge) = SigninClient.NewPkce();
        using var response = await _client.GetAsync(SigninClient.AuthorizePath(clientId, RedirectUri, challenge, extra: "&prompt=none"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(RedirectUri + "?", location);
        return SigninClient.Query(location, "error");
    }

    private async Task AssertSignedOutAsync(string clientId) => Assert.Equal("login_required", await SilentAuthorizeErrorAsync(clientId));

    private async Task AssertStillSignedInAsync(string clientId) => Assert.Null(await SilentAuthorizeErrorAsync(clientId));

    private static async Task<string> AssertNoRedirectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Null(response.Headers.Location);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    private async Task<HttpStatusCode> UserInfoStatusAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        request.Headers.Authorization = new("Bearer", accessToken);
        using var response = await _client.Http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static List<KeyValuePair<string, string>> FormOf(string html, params (string Key, string Value)[] extra)
    {
        var fields = HiddenInput().Matches(html).Select(m => new KeyValuePair<string, string>(
            System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), System.Net.WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        fields.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
        return fields;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
