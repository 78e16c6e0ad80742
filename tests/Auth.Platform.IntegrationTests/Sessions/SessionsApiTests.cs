using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Sessions;

/// <summary>
/// The sessions of the Account API (a user's own access token with <c>urn:logto:scope:sessions</c>) and of the
/// Management API, served by signin behind account's prefixes, and account deletion ending sessions. Every ending
/// queues a back-channel logout: the receiver here refuses connections, so notification's delivery log shows the
/// attempts (delivery itself is proven end to end in the E2E suite).
/// </summary>
public sealed class SessionsApiTests(PlatformStackFixture fixture) : IDisposable
{
    private const string RedirectUri = "http://localhost:3000/callback";
    private const string SessionsScope = "urn:logto:scope:sessions";
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task MyAccountSessions_ListsTheCurrentSession_AndDeletingItEndsItWithBackChannelLogout()
    {
        var (clientId, tokens) = await SignInAsync("openid profile " + SessionsScope);
        var sid = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sid").GetString()!;
        var accessToken = tokens.GetProperty("access_token").GetString()!;

        using var list = await SendAsync(HttpMethod.Get, "/api/my-account/sessions", accessToken);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var session = Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray());
        Assert.Equal(sid, session.GetProperty("id").GetString());
        Assert.Equal([clientId], session.GetProperty("applicationIds").EnumerateArray().Select(e => e.GetString()));

        using var deleted = await SendAsync(HttpMethod.Delete, $"/api/my-account/sessions/{sid}", accessToken);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("login_required", await SilentAuthorizeErrorAsync(clientId));
        var delivery = await WaitForDeliveryAsync(clientId);
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.False(delivery.TryGetProperty("logoutToken", out _));
        // The token was issued in that session without offline_access: it died with it.
        using var after = await SendAsync(HttpMethod.Get, "/api/my-account/sessions", accessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task MyAccountSessions_DeleteOfAnUnknownSession_Returns404()
    {
        var (_, tokens) = await SignInAsync("openid offline_access " + SessionsScope);
        using var response = await SendAsync(HttpMethod.Delete, "/api/my-account/sessions/not-a-session", tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("entity.not_exists_with_id", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task MyAccountSessions_WithoutTheSessionsScope_Returns403_AndWithoutToken401()
    {
        var (_, tokens) = await SignInAsync("openid profile");
        using var forbidden = await SendAsync(HttpMethod.Get, "/api/my-account/sessions", tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var anonymous = await _client.GetAsync("/api/my-account/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var management = await _client.ManagementAsync(HttpMethod.Get, "/api/my-account/sessions");
        Assert.Equal(HttpStatusCode.Forbidden, management.StatusCode);
    }

    [Fact]
    public async Task ManagementUserSessions_ListsAndDeletes_OnlyThatUsersSessions()
    {
        var (clientId, tokens) = await SignInAsync("openid profile");
        var idToken = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!);
        var (userId, sid) = (idToken.GetProperty("sub").GetString()!, idToken.GetProperty("sid").GetString()!);

        using var list = await _client.ManagementAsync(HttpMethod.Get, $"/api/users/{userId}/sessions");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal([sid], (await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray().Select(s => s.GetProperty("id").GetString()));

        using var wrongUser = await _client.ManagementAsync(HttpMethod.Delete, $"/api/users/someone-else/sessions/{sid}");
        Assert.Equal(HttpStatusCode.NotFound, wrongUser.StatusCode);
        Assert.Null(await SilentAuthorizeErrorAsync(clientId));

        using var deleted = await _client.ManagementAsync(HttpMethod.Delete, $"/api/users/{userId}/sessions/{sid}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("login_required", await SilentAuthorizeErrorAsync(clientId));
        await WaitForDeliveryAsync(clientId);
    }

    [Fact]
    public async Task ManagementUserSessions_WithoutManagementToken_Returns401()
    {
        using var response = await _client.GetAsync("/api/users/u1/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DeletingTheUser_EndsAllTheirSessionsWithBackChannelLogout()
    {
        var (clientId, tokens) = await SignInAsync("openid profile offline_access");
        var userId = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        using var deleted = await _client.ManagementAsync(HttpMethod.Delete, $"/api/users/{userId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // account publishes UserDeleted through its outbox; signin consumes it.
        await WaitForDeliveryAsync(clientId);
        using var list = await _client.ManagementAsync(HttpMethod.Get, $"/api/users/{userId}/sessions");
        Assert.Empty((await list.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray());
        var refreshed = await _client.RefreshAsync(clientId, tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal("invalid_grant", refreshed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Applications_AcceptAndValidateBackChannelLogoutMetadata()
    {
        using var bad = await _client.ManagementAsync(HttpMethod.Post, "/api/applications", new
        {
            name = "bcl", type = "SPA", oidcClientMetadata = new { redirectUris = new[] { RedirectUri }, backchannelLogoutUri = "http://example.com/bcl#x" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("guard.invalid_input", (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        var clientId = await CreateApplicationAsync();
        using var get = await _client.ManagementAsync(HttpMethod.Get, $"/api/applications/{clientId}");
        var metadata = (await get.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("oidcClientMetadata");
        Assert.Equal("http://127.0.0.1:9/bcl", metadata.GetProperty("backchannelLogoutUri").GetString());
        Assert.True(metadata.GetProperty("backchannelLogoutSessionRequired").GetBoolean());

        using var cleared = await _client.ManagementAsync(HttpMethod.Patch, $"/api/applications/{clientId}",
            new { oidcClientMetadata = new { backchannelLogoutUri = "" } });
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var after = (await cleared.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("oidcClientMetadata");
        Assert.True(!after.TryGetProperty("backchannelLogoutUri", out var uri) || uri.ValueKind == JsonValueKind.Null, after.ToString());
        Assert.Equal([RedirectUri], after.GetProperty("redirectUris").EnumerateArray().Select(e => e.GetString()));
    }

    // --- helpers ---

    private async Task<string> CreateApplicationAsync()
    {
        // Port 9 (discard) refuses connections on loopback: every delivery attempt fails and is logged.
        using var created = await _client.ManagementAsync(HttpMethod.Post, "/api/applications", new
        {
            name = "sessions test", type = "SPA",
            oidcClientMetadata = new { redirectUris = new[] { RedirectUri }, backchannelLogoutUri = "http://127.0.0.1:9/bcl", backchannelLogoutSessionRequired = true },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    /// <summary>Registers a user (first authorization), then authorizes again in the same session with <paramref name="scope"/>.</summary>
    private async Task<(string ClientId, JsonElement Tokens)> SignInAsync(string scope)
    {
        var clientId = await CreateApplicationAsync();
        var (_, registerChallenge) = SigninClient.NewPkce();
        await _client.RegisterAndGetCodeAsync(clientId, RedirectUri, registerChallenge, SigninClient.NewUsername());
        var (verifier, challenge) = SigninClient.NewPkce();
        using var authorize = await _client.GetAsync(SigninClient.AuthorizePath(clientId, RedirectUri, challenge, scope));
        var tokens = await _client.RedeemAsync(clientId, SigninClient.CodeFrom(authorize, RedirectUri), RedirectUri, verifier);
        Assert.True(tokens.TryGetProperty("access_token", out _), tokens.ToString());
        return (clientId, tokens);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", accessToken);
        return await _client.Http.SendAsync(request, Ct);
    }

    private async Task<string?> SilentAuthorizeErrorAsync(string clientId)
    {
        var (_, challenge) = SigninClient.NewPkce();
        using var response = await _client.GetAsync(SigninClient.AuthorizePath(clientId, RedirectUri, challenge, extra: "&prompt=none"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return SigninClient.Query(response.Headers.Location!.ToString(), "error");
    }

    /// <summary>Polls notification's delivery log (Management API) until the application's one delivery has been attempted.</summary>
    private async Task<JsonElement> WaitForDeliveryAsync(string clientId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await _client.ManagementAsync(HttpMethod.Get, $"/api/applications/{clientId}/backchannel-logout-deliveries");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var deliveries = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray().ToList();
            Assert.True(deliveries.Count <= 1, string.Join(", ", deliveries));
            if (deliveries.Count == 1 && deliveries[0].GetProperty("attempts").GetInt32() >= 1)
            {
                Assert.Equal("http://127.0.0.1:9/bcl", deliveries[0].GetProperty("uri").GetString());
                Assert.NotNull(deliveries[0].GetProperty("lastError").GetString());
                return deliveries[0];
            }
            Assert.True(DateTime.UtcNow < deadline, "no delivery attempt logged for " + clientId);
            await Task.Delay(300, Ct);
        }
    }
}
