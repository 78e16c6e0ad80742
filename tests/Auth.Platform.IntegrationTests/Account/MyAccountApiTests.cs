using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Logto's Account API (<c>/api/my-account</c>) through the gateway with the user's own access token from a real code
/// flow; what it shows follows the account center settings and the token's scopes.
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class MyAccountApiTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    [Fact]
    public async Task Get_WhenTheAccountCenterIsDisabled_Returns400NotEnabled()
    {
        var accessToken = (await _session.SignInAsync("openid profile")).AccessToken;
        await AccountCenterCollection.ResetAsync(Stack);

        using var response = await SendAsync(HttpMethod.Get, "/api/my-account", accessToken);

        await AssertProblemAsync(response, 400, "account_center.not_enabled");
    }

    [Fact]
    public async Task Get_ShowsTheFieldsThatAreNotOff_AndThatTheTokensScopesCover()
    {
        var (accessToken, userId, _, _) = await _session.SignInAsync("openid profile email custom_data");
        using var management = await ManagementClientAsync(Stack);
        (await management.PatchAsJsonAsync($"/api/users/{userId}", new { name = "Alice", customData = new { plan = "pro" } }, Ct)).Dispose();
        await AccountCenterCollection.PatchAsync(Stack, new
        {
            enabled = true,
            // username Off (left out); phone ReadOnly but its scope was not asked for.
            fields = new { name = "Edit", avatar = "ReadOnly", email = "ReadOnly", phone = "ReadOnly", customData = "ReadOnly" },
        });

        using var response = await SendAsync(HttpMethod.Get, "/api/my-account", accessToken);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        var me = await ReadJsonAsync(response);
        Assert.Equal(["id", "name", "avatar", "primaryEmail", "customData"], me.EnumerateObject().Select(p => p.Name));
        Assert.Equal(userId, me.GetProperty("id").GetString());
        Assert.Equal("Alice", me.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("avatar").ValueKind);
        Assert.Equal("pro", me.GetProperty("customData").GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Get_WithoutAToken_Returns401_AndWithATokenForAResource403()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { name = "Edit" } });
        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };
        using var withoutToken = await anonymous.GetAsync("/api/my-account", Ct);
        Assert.Equal(401, (int)withoutToken.StatusCode);

        // A Management API token is valid but for a resource (it has an audience), not the user's own: forbidden here.
        using var withManagementToken = await SendAsync(HttpMethod.Get, "/api/my-account", await ManagementTokenAsync(Stack));
        Assert.Equal(403, (int)withManagementToken.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken) => _session.SendAsync(method, path, accessToken);
}
