using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// The MFA part of the Account API (<c>/api/my-account/logto-configs</c>, <c>mfa-settings</c>, <c>mfa-verifications</c>)
/// through the gateway with tokens from a real code flow; the factors and settings live in mfa, which the Management API
/// shows too.
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class MyAccountMfaTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Scopes = "openid profile identities";
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync() =>
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { mfa = "Edit" } });

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    private async Task<string> AddTotpAsync(SignedInUser user)
    {
        using var management = await ManagementClientAsync(Stack);
        using (var created = await management.PostAsJsonAsync($"/api/users/{user.UserId}/mfa-verifications", new { type = "Totp" }, Ct))
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        var factors = await management.GetFromJsonAsync<JsonElement>($"/api/users/{user.UserId}/mfa-verifications", Ct);
        return factors[0].GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task LogtoConfigs_ShowWhetherTheUserHasAFactor_AndAPatchChangesOnlyTheFlagsGiven()
    {
        var user = await _session.SignInAsync(Scopes);
        await AddTotpAsync(user);

        using var patched = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/logto-configs", user.AccessToken, new { mfa = new { skipped = true } });

        Assert.True(patched.StatusCode == HttpStatusCode.OK, await patched.Content.ReadAsStringAsync(Ct));
        var configs = await ReadJsonAsync(patched);
        Assert.True(configs.GetProperty("mfa").GetProperty("enabled").GetBoolean());
        Assert.True(configs.GetProperty("mfa").GetProperty("skipped").GetBoolean());
        Assert.False(configs.GetProperty("mfa").GetProperty("skipMfaOnSignIn").GetBoolean());
        Assert.False(configs.GetProperty("passkeySignIn").GetProperty("skipped").GetBoolean());
        using var management = await ManagementClientAsync(Stack);
        var admin = await management.GetFromJsonAsync<JsonElement>($"/api/users/{user.UserId}/logto-configs", Ct);
        Assert.True(admin.GetProperty("mfa").GetProperty("skipped").GetBoolean());
    }

    [Theory]
    [InlineData("""{"mfa":{"enabled":false}}""")]
    [InlineData("""{"mfa":{"skipped":"yes"}}""")]
    [InlineData("""{"other":true}""")]
    public async Task LogtoConfigs_PatchWithBadInput_Returns400InvalidInput(string body)
    {
        var user = await _session.SignInAsync(Scopes);

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/logto-configs", user.AccessToken,
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task MfaSettings_PatchWithoutStepUp_Returns401_AndWithStepUpChangesIt()
    {
        var user = await _session.SignInAsync(Scopes);

        using (var denied = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/mfa-settings", user.AccessToken, new { skipMfaOnSignIn = true }))
            await AssertProblemAsync(denied, 401, "verification_record.permission_denied");
        var record = await _session.VerifyPasswordAsync(user);
        using (var changed = await _session.SendAsync(HttpMethod.Patch, "/api/my-account/mfa-settings", user.AccessToken, new { skipMfaOnSignIn = true }, record))
            Assert.True((await ReadJsonAsync(changed)).GetProperty("skipMfaOnSignIn").GetBoolean());

        using var read = await _session.SendAsync(HttpMethod.Get, "/api/my-account/mfa-settings", user.AccessToken);
        Assert.True((await ReadJsonAsync(read)).GetProperty("skipMfaOnSignIn").GetBoolean());
    }

    [Fact]
    public async Task MfaVerifications_ListsTheFactors_AndDeleteWithStepUpRemovesOne()
    {
        var user = await _session.SignInAsync(Scopes);
        var id = await AddTotpAsync(user);

        using (var list = await _session.SendAsync(HttpMethod.Get, "/api/my-account/mfa-verifications", user.AccessToken))
        {
            var factors = await ReadJsonAsync(list);
            Assert.Equal(id, factors[0].GetProperty("id").GetString());
            Assert.Equal("Totp", factors[0].GetProperty("type").GetString());
        }
        using (var denied = await _session.SendAsync(HttpMethod.Delete, $"/api/my-account/mfa-verifications/{id}", user.AccessToken))
            await AssertProblemAsync(denied, 401, "verification_record.permission_denied");
        var record = await _session.VerifyPasswordAsync(user);
        using (var deleted = await _session.SendAsync(HttpMethod.Delete, $"/api/my-account/mfa-verifications/{id}", user.AccessToken, verificationId: record))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var after = await _session.SendAsync(HttpMethod.Get, "/api/my-account/mfa-verifications", user.AccessToken);
        Assert.Equal(0, (await ReadJsonAsync(after)).GetArrayLength());
        using var again = await _session.SendAsync(HttpMethod.Delete, $"/api/my-account/mfa-verifications/{id}", user.AccessToken, verificationId: record);
        await AssertProblemAsync(again, 404, "entity.not_exists_with_id");
    }

    [Fact]
    public async Task MfaVerifications_WhenTheMfaFieldIsOff_Returns400_AndWithoutTheIdentitiesScope_Returns403()
    {
        using var otherBrowser = new MyAccountSession(Stack);
        var withoutScope = await otherBrowser.SignInAsync("openid profile");
        using (var forbidden = await otherBrowser.SendAsync(HttpMethod.Get, "/api/my-account/mfa-verifications", withoutScope.AccessToken))
            await AssertProblemAsync(forbidden, 403, "auth.forbidden");
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { name = "Edit" } });
        var user = await _session.SignInAsync(Scopes);

        using var response = await _session.SendAsync(HttpMethod.Get, "/api/my-account/mfa-verifications", user.AccessToken);

        await AssertProblemAsync(response, 400, "account_center.field_not_editable");
    }
}
