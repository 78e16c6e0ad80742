using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Logto's per-user Management routes through the gateway: search with <c>Total-Number</c>, <c>custom-data</c>,
/// <c>password</c>, <c>password/verify</c>, <c>has-password</c> and <c>is-suspended</c> (which ends the user's sessions).
/// </summary>
public sealed class ManagementUserDetailsApiTests(PlatformStackFixture fixture)
{
    private const string RedirectUri = "http://localhost:3000/callback";
    private PlatformStack Stack => fixture.Stack;

    [Fact]
    public async Task List_WithSearch_MatchesUsernameEmailOrName_AndTotalNumberCountsEveryMatch()
    {
        using var management = await ManagementClientAsync(Stack);
        var token = "srch" + Guid.NewGuid().ToString("N")[..8];
        var byUsername = await CreateUserAsync(management, new { username = "u_" + token });
        var byEmail = await CreateUserAsync(management, new { primaryEmail = token.ToUpperInvariant() + "@example.com" });
        var byName = await CreateUserAsync(management, new { username = UniqueName("n"), name = "Name " + token });
        await CreateUserAsync(management, new { username = UniqueName("other") });

        using var all = await management.GetAsync($"/api/users?search={token}", Ct);
        Assert.True(all.IsSuccessStatusCode, await all.Content.ReadAsStringAsync(Ct));
        Assert.Equal("3", all.Headers.GetValues("Total-Number").Single());
        Assert.Equal(new[] { byName, byEmail, byUsername }.Select(u => u.GetProperty("id").GetString()),
            (await ReadJsonAsync(all)).EnumerateArray().Select(u => u.GetProperty("id").GetString()));

        using var paged = await management.GetAsync($"/api/users?search={token}&page=2&page_size=2", Ct);
        Assert.Equal("3", paged.Headers.GetValues("Total-Number").Single());
        Assert.Equal([byUsername.GetProperty("id").GetString()], (await ReadJsonAsync(paged)).EnumerateArray().Select(u => u.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task List_SearchWildcards_AreLiteral()
    {
        using var management = await ManagementClientAsync(Stack);
        var token = "wild" + Guid.NewGuid().ToString("N")[..8];
        await CreateUserAsync(management, new { username = "u_" + token });

        using var wildcard = await management.GetAsync($"/api/users?search={Uri.EscapeDataString(token[..4] + "%" + token[5..])}", Ct);

        Assert.Equal("0", wildcard.Headers.GetValues("Total-Number").Single());
    }

    [Fact]
    public async Task CustomData_Patch_ReplacesTheObject_AndAnswersIt()
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("cd") })).GetProperty("id").GetString()!;

        using var response = await management.PatchAsJsonAsync($"/api/users/{id}/custom-data", new { customData = new { plan = "pro" } }, Ct);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("""{"plan":"pro"}""", (await ReadJsonAsync(response)).GetRawText());
        Assert.Equal("pro", (await ReadUserAsync(Stack, id)).GetProperty("customData").GetProperty("plan").GetString());
    }

    [Theory]
    [InlineData("""{"customData":[]}""")]
    [InlineData("""{"plan":"pro"}""")]
    [InlineData("""{"customData":{"blob":"BIG"}}""")]
    public async Task CustomData_PatchWithBadInput_Returns400_AndNothingChanges(string body)
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("cd") })).GetProperty("id").GetString()!;
        (await management.PatchAsJsonAsync($"/api/users/{id}", new { customData = new { kept = true } }, Ct)).Dispose();

        using var response = await management.PatchAsync($"/api/users/{id}/custom-data",
            new StringContent(body.Replace("BIG", new string('x', 17 * 1024), StringComparison.Ordinal), Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
        Assert.True((await ReadUserAsync(Stack, id)).GetProperty("customData").GetProperty("kept").GetBoolean());
    }

    [Fact]
    public async Task Profile_Patch_MergesAndAnswersIt_AndTheUserShowsIt()
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("pr") })).GetProperty("id").GetString()!;
        (await management.PatchAsJsonAsync($"/api/users/{id}/profile", new { profile = new { nickname = "Ali" } }, Ct)).Dispose();

        using var response = await management.PatchAsJsonAsync($"/api/users/{id}/profile",
            new { profile = new { address = new { locality = "Lyon", country = "FR" }, birthdate = "1990-12-07" } }, Ct);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("""{"nickname":"Ali","address":{"locality":"Lyon","country":"FR"},"birthdate":"1990-12-07"}""", (await ReadJsonAsync(response)).GetRawText());
        Assert.Equal("Lyon", (await ReadUserAsync(Stack, id)).GetProperty("profile").GetProperty("address").GetProperty("locality").GetString());
    }

    [Fact]
    public async Task Password_SetByAnAdmin_IsTheOneVerify_AndHasPasswordAccepts()
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("pw") })).GetProperty("id").GetString()!;
        Assert.False((await management.GetFromJsonAsync<JsonElement>($"/api/users/{id}/has-password", Ct)).GetProperty("hasPassword").GetBoolean());
        using (var noPassword = await management.PostAsJsonAsync($"/api/users/{id}/password/verify", new { password = "anything at all" }, Ct))
            await AssertProblemAsync(noPassword, 422, "session.invalid_credentials");

        using (var set = await management.PatchAsJsonAsync($"/api/users/{id}/password", new { password = "new horse battery" }, Ct))
            Assert.True((await ReadJsonAsync(set)).GetProperty("hasPassword").GetBoolean());

        Assert.True((await management.GetFromJsonAsync<JsonElement>($"/api/users/{id}/has-password", Ct)).GetProperty("hasPassword").GetBoolean());
        using (var right = await management.PostAsJsonAsync($"/api/users/{id}/password/verify", new { password = "new horse battery" }, Ct))
            Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
        using (var wrong = await management.PostAsJsonAsync($"/api/users/{id}/password/verify", new { password = "old horse battery" }, Ct))
            await AssertProblemAsync(wrong, 422, "session.invalid_credentials");
    }

    [Theory]
    [InlineData("/password", "PATCH", """{"password":""}""")]
    [InlineData("/password/verify", "POST", """{}""")]
    [InlineData("/is-suspended", "PATCH", """{"isSuspended":"yes"}""")]
    [InlineData("/is-suspended", "PATCH", """{}""")]
    public async Task Routes_WithBadInput_Return400InvalidInput(string path, string method, string body)
    {
        using var management = await ManagementClientAsync(Stack);
        var id = (await CreateUserAsync(management, new { username = UniqueName("bad") })).GetProperty("id").GetString()!;

        using var response = await management.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/users/{id}{path}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }, Ct);

        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task IsSuspended_EndsTheUsersSessions_AndRevokesTheirRefreshTokensForGood()
    {
        using var client = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        var clientId = (await client.CreateApplicationAsync("SPA", RedirectUri)).GetProperty("id").GetString()!;
        var tokens = await client.RegisterAndGetTokensAsync(clientId, RedirectUri, "openid offline_access");
        var userId = SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        using var management = await ManagementClientAsync(Stack);
        Assert.NotEqual(0, (await management.GetFromJsonAsync<JsonElement>($"/api/users/{userId}/sessions", Ct)).GetArrayLength());

        using (var suspended = await management.PatchAsJsonAsync($"/api/users/{userId}/is-suspended", new { isSuspended = true }, Ct))
            Assert.True((await ReadJsonAsync(suspended)).GetProperty("isSuspended").GetBoolean());

        // account publishes UserSuspended through its outbox; signin consumes it and ends the sessions.
        await Eventually.TrueAsync(async () =>
            (await management.GetFromJsonAsync<JsonElement>($"/api/users/{userId}/sessions", Ct)).GetArrayLength() == 0,
            TimeSpan.FromSeconds(30), "the suspended user's sessions to end");
        // Lifting the suspension does not bring the grants back.
        using (var lifted = await management.PatchAsJsonAsync($"/api/users/{userId}/is-suspended", new { isSuspended = false }, Ct))
            Assert.False((await ReadJsonAsync(lifted)).GetProperty("isSuspended").GetBoolean());
        var refreshed = await client.RefreshAsync(clientId, tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal("invalid_grant", refreshed.GetProperty("error").GetString());
    }
}
