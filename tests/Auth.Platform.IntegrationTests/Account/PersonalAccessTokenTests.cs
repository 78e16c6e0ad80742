using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Personal access tokens (issue 13 pt 4) through the gateway: Logto's Management API, the Account API (Logto 1.46) and
/// the exchange at <c>/oidc/token</c> (<c>subject_token_type=urn:logto:token-type:personal_access_token</c>).
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class PersonalAccessTokenTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string PatType = "urn:logto:token-type:personal_access_token";
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    [Fact]
    public async Task Create_AnswersTheValueOnce_AndListingNeverReturnsIt()
    {
        using var management = await ManagementClientAsync(Stack);
        var user = await CreateUserAsync(management, new { username = UniqueName("pat") });
        var id = user.GetProperty("id").GetString()!;
        var expiresAt = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();

        using var created = await management.PostAsJsonAsync($"/api/users/{id}/personal-access-tokens", new { name = "ci", expiresAt }, Ct);

        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var token = await ReadJsonAsync(created);
        Assert.Matches("^pat_[A-Za-z0-9]{32}$", token.GetProperty("value").GetString());
        Assert.Equal(id, token.GetProperty("userId").GetString());
        Assert.Equal(expiresAt, token.GetProperty("expiresAt").GetInt64());
        var listed = await management.GetFromJsonAsync<JsonElement>($"/api/users/{id}/personal-access-tokens", Ct);
        var only = Assert.Single(listed.EnumerateArray());
        Assert.Equal("ci", only.GetProperty("name").GetString());
        Assert.False(only.TryGetProperty("value", out _));
    }

    [Fact]
    public async Task Create_WithANameInUse_Returns422NameExists()
    {
        using var management = await ManagementClientAsync(Stack);
        var (id, _) = await UserWithTokenAsync(management, "ci");

        using var again = await management.PostAsJsonAsync($"/api/users/{id}/personal-access-tokens", new { name = "ci" }, Ct);

        await AssertProblemAsync(again, 422, "user.personal_access_token_name_exists");
    }

    [Fact]
    public async Task Create_WithAnExpiryInThePast_Returns400()
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("pat") })).GetProperty("id").GetString()!;

        using var response = await management.PostAsJsonAsync($"/api/users/{id}/personal-access-tokens",
            new { name = "old", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds() }, Ct);

        await AssertProblemAsync(response, 400, "request.invalid_input");
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"name":" padded "}""")]
    [InlineData("""{"name":"a\u0007b"}""")]
    [InlineData("""{"name":"ok","expiresAt":"tomorrow"}""")]
    public async Task Create_WithABadBody_Returns400(string body)
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("pat") })).GetProperty("id").GetString()!;

        using var response = await management.PostAsync($"/api/users/{id}/personal-access-tokens", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task RenameAndDelete_ByName_AsLogto()
    {
        using var management = await ManagementClientAsync(Stack);
        var (id, value) = await UserWithTokenAsync(management, "old-name");

        using var renamed = await management.PatchAsJsonAsync($"/api/users/{id}/personal-access-tokens", new { currentName = "old-name", name = "new-name" }, Ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("new-name", (await ReadJsonAsync(renamed)).GetProperty("name").GetString());
        using var byPath = await management.PatchAsJsonAsync($"/api/users/{id}/personal-access-tokens/new-name", new { name = "newest" }, Ct);
        Assert.Equal(HttpStatusCode.OK, byPath.StatusCode);
        // Renaming keeps the value.
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(await ExchangeClientAsync(), value)).Status);

        using var deleted = await management.PostAsJsonAsync($"/api/users/{id}/personal-access-tokens/delete", new { name = "newest" }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var missing = await management.PostAsJsonAsync($"/api/users/{id}/personal-access-tokens/delete", new { name = "newest" }, Ct);
        await AssertProblemAsync(missing, 404, "entity.not_found");
        Assert.Empty((await management.GetFromJsonAsync<JsonElement>($"/api/users/{id}/personal-access-tokens", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task Exchange_ByAClientAllowedToExchange_IssuesAnAccessTokenOfTheUser()
    {
        using var management = await ManagementClientAsync(Stack);
        var (id, value) = await UserWithTokenAsync(management, "cli");
        var client = await ExchangeClientAsync();

        var (status, body) = await ExchangeAsync(client, value, scope: "openid profile");

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", body.GetProperty("issued_token_type").GetString());
        Assert.False(body.TryGetProperty("refresh_token", out _));
        var claims = Signin.SigninClient.Payload(body.GetProperty("access_token").GetString()!);
        Assert.Equal(id, claims.GetProperty("sub").GetString());
        Assert.Equal(client.Id, claims.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task Exchange_OnceTheTokenIsDeleted_ReturnsInvalidGrant()
    {
        using var management = await ManagementClientAsync(Stack);
        var (id, value) = await UserWithTokenAsync(management, "cli");
        using var deleted = await management.DeleteAsync($"/api/users/{id}/personal-access-tokens/cli", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var (status, body) = await ExchangeAsync(await ExchangeClientAsync(), value);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Exchange_WhenTheUserIsSuspended_ReturnsInvalidGrant()
    {
        using var management = await ManagementClientAsync(Stack);
        var (id, value) = await UserWithTokenAsync(management, "cli");
        using var suspended = await management.PatchAsJsonAsync($"/api/users/{id}/is-suspended", new { isSuspended = true }, Ct);
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);

        var (status, body) = await ExchangeAsync(await ExchangeClientAsync(), value);

        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Exchange_AfterTheTokenExpired_ReturnsInvalidGrant()
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("pat") })).GetProperty("id").GetString()!;
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        using var created = await management.PostAsJsonAsync($"/api/users/{id}/personal-access-tokens",
            new { name = "short", expiresAt = expiresAt.ToUnixTimeMilliseconds() }, Ct);
        var value = (await ReadJsonAsync(created)).GetProperty("value").GetString()!;
        var client = await ExchangeClientAsync();

        // Polled until past the expiry (a positive signal: the clock), then one exchange must fail.
        await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expiresAt.AddMilliseconds(100)), TimeSpan.FromSeconds(10), "expiry");
        var (_, body) = await ExchangeAsync(client, value);

        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Exchange_ByAClientWithoutAllowTokenExchange_ReturnsUnauthorizedClient()
    {
        using var management = await ManagementClientAsync(Stack);
        var (_, value) = await UserWithTokenAsync(management, "cli");

        var (status, body) = await ExchangeAsync(await ExchangeClientAsync(allowTokenExchange: false), value);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Exchange_WithAnUnknownValue_ReturnsInvalidGrant()
    {
        var (status, body) = await ExchangeAsync(await ExchangeClientAsync(), "pat_" + new string('x', 32));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task MyAccount_WithTheFieldOff_Returns400FieldNotEnabled()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { name = "Edit" } });
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Get, "/api/my-account/personal-access-tokens", user.AccessToken);

        await AssertProblemAsync(response, 400, "account_center.field_not_enabled");
    }

    [Fact]
    public async Task MyAccount_CreateWithoutStepUp_Returns401PermissionDenied()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { personalAccessToken = "Edit" } });
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/personal-access-tokens", user.AccessToken, new { name = "laptop" });

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
    }

    [Fact]
    public async Task MyAccount_ReadOnly_ListsButRefusesChanges()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { personalAccessToken = "ReadOnly" } });
        var user = await _session.SignInAsync("openid profile");
        var record = await _session.VerifyPasswordAsync(user);

        using var list = await _session.SendAsync(HttpMethod.Get, "/api/my-account/personal-access-tokens", user.AccessToken);
        using var create = await _session.SendAsync(HttpMethod.Post, "/api/my-account/personal-access-tokens", user.AccessToken, new { name = "laptop" }, record);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        await AssertProblemAsync(create, 400, "account_center.field_not_editable");
    }

    [Fact]
    public async Task MyAccount_WithStepUp_CreatesListsRenamesAndDeletesOwnTokens()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { personalAccessToken = "Edit" } });
        var user = await _session.SignInAsync("openid profile");
        var record = await _session.VerifyPasswordAsync(user);

        using var created = await _session.SendAsync(HttpMethod.Post, "/api/my-account/personal-access-tokens", user.AccessToken, new { name = "laptop" }, record);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var value = (await ReadJsonAsync(created)).GetProperty("value").GetString()!;
        var (status, exchanged) = await ExchangeAsync(await ExchangeClientAsync(), value);
        Assert.True(status == HttpStatusCode.OK, exchanged.ToString());
        Assert.Equal(user.UserId, Signin.SigninClient.Payload(exchanged.GetProperty("access_token").GetString()!).GetProperty("sub").GetString());

        using var renamed = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/personal-access-tokens", user.AccessToken, new { currentName = "laptop", name = "desktop" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        using var listed = await _session.SendAsync(HttpMethod.Get, "/api/my-account/personal-access-tokens", user.AccessToken);
        var only = Assert.Single((await ReadJsonAsync(listed)).EnumerateArray());
        Assert.Equal("desktop", only.GetProperty("name").GetString());
        Assert.False(only.TryGetProperty("value", out _));
        using var deleted = await _session.SendAsync(HttpMethod.Post, "/api/my-account/personal-access-tokens/delete", user.AccessToken, new { name = "desktop" });
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("invalid_grant", (await ExchangeAsync(await ExchangeClientAsync(), value)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task MyAccount_FromAThirdPartyApp_Returns403()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { personalAccessToken = "Edit" } });
        var user = await _session.SignInWithThirdPartyAppAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/personal-access-tokens/delete", user.AccessToken, new { name = "x" });

        await AssertProblemAsync(response, 403, "auth.third_party_application_forbidden");
    }

    private sealed record ExchangeClient(string Id, string Secret);

    private async Task<(string UserId, string Value)> UserWithTokenAsync(HttpClient management, string name)
    {
        var id = (await CreateUserAsync(management, new { username = UniqueName("pat") })).GetProperty("id").GetString()!;
        using var created = await management.PostAsJsonAsync($"/api/users/{id}/personal-access-tokens", new { name }, Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        return (id, (await ReadJsonAsync(created)).GetProperty("value").GetString()!);
    }

    /// <summary>A Traditional web app (confidential: it authenticates with its secret), as an integrator's backend would be.</summary>
    private async Task<ExchangeClient> ExchangeClientAsync(bool allowTokenExchange = true)
    {
        using var management = await ManagementClientAsync(Stack);
        using var created = await management.PostAsJsonAsync("/api/applications", new
        {
            name = "PAT exchanger", type = "Traditional",
            oidcClientMetadata = new { redirectUris = new[] { "http://localhost:3000/callback" } },
            customClientMetadata = new { allowTokenExchange },
        }, Ct);
        var app = await ReadJsonAsync(created);
        Assert.True(created.StatusCode == HttpStatusCode.OK, app.ToString());
        Assert.Equal(allowTokenExchange, app.GetProperty("customClientMetadata").GetProperty("allowTokenExchange").GetBoolean());
        return new ExchangeClient(app.GetProperty("id").GetString()!, app.GetProperty("secret").GetString()!);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(ExchangeClient client, string value, string? scope = null)
    {
        using var http = new HttpClient { BaseAddress = Stack.GatewayUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.Id)}:{Uri.EscapeDataString(client.Secret)}")));
        var form = new Dictionary<string, string> { ["grant_type"] = TokenExchange, ["subject_token"] = value, ["subject_token_type"] = PatType };
        if (scope is not null) form["scope"] = scope;
        request.Content = new FormUrlEncodedContent(form);
        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await ReadJsonAsync(response));
    }
}
