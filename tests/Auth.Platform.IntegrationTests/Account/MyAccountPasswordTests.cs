using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Organization;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// <c>POST /api/my-account/password</c> through the gateway with tokens from real code flows: step-up first, the sign-in
/// experience's policy (asked of signin), and every other session and refresh token of the user ended.
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class MyAccountPasswordTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string NewPassword = "a much better passphrase";
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync() =>
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { password = "Edit" } });

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    [Fact]
    public async Task Post_WithAStepUpRecord_Returns204_AndOnlyTheNewPasswordVerifies()
    {
        var user = await _session.SignInAsync("openid profile");
        var record = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/password", user.AccessToken, new { password = NewPassword }, record);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync(Ct));
        using var old = await _session.SendAsync(HttpMethod.Post, "/api/verifications/password", user.AccessToken, new { password = user.Password });
        await AssertProblemAsync(old, 422, "session.invalid_credentials");
        Assert.NotNull(await _session.VerifyPasswordAsync(user with { Password = NewPassword }));
    }

    [Fact]
    public async Task Post_WithoutAStepUpRecord_Returns401PermissionDenied_AndThePasswordStays()
    {
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/password", user.AccessToken, new { password = NewPassword });

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
        Assert.NotNull(await _session.VerifyPasswordAsync(user));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("password")]
    public async Task Post_APasswordThePolicyRefuses_Returns422PasswordRejected_AndThePasswordStays(string weak)
    {
        var user = await _session.SignInAsync("openid profile");
        var record = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/password", user.AccessToken, new { password = weak }, record);

        await AssertProblemAsync(response, 422, "password.rejected");
        Assert.NotNull(await _session.VerifyPasswordAsync(user));
    }

    [Fact]
    public async Task Post_WhenThePasswordFieldIsReadOnly_Returns400FieldNotEditable()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { password = "ReadOnly" } });
        var user = await _session.SignInAsync("openid profile");
        var record = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/password", user.AccessToken, new { password = NewPassword }, record);

        await AssertProblemAsync(response, 400, "account_center.field_not_editable");
    }

    [Fact]
    public async Task Post_WithAThirdPartyAppsToken_Returns403ThirdPartyApplicationForbidden()
    {
        var user = await _session.SignInWithThirdPartyAppAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/password", user.AccessToken, new { password = NewPassword });

        await AssertProblemAsync(response, 403, "auth.third_party_application_forbidden");
    }

    /// <summary>The session that changed the password stays (its refresh token works); a session elsewhere ends, and its
    /// refresh token (offline_access, which outlives a sign-out) is revoked.</summary>
    [Fact]
    public async Task Post_EndsEveryOtherSessionAndRefreshToken_ButNotTheCurrentOne()
    {
        using var management = await ManagementClientAsync(Stack);
        using var here = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        var clientId = (await here.CreateApplicationAsync("SPA", OrganizationApi.Callback)).GetProperty("id").GetString()!;
        var current = await here.RegisterAndGetTokensAsync(clientId, OrganizationApi.Callback, "openid profile offline_access");
        var userId = SigninClient.Payload(current.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        var username = (await ReadUserAsync(Stack, userId)).GetProperty("username").GetString()!;
        var elsewhere = await new OrganizationApi(Stack, management).SignInAsync(clientId, username, "openid profile offline_access");
        var user = new SignedInUser(current.GetProperty("access_token").GetString()!, userId, username);
        var record = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/password", user.AccessToken, new { password = NewPassword }, record);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        // The event travels through account's outbox to signin: wait until only one session is left (polling the refresh
        // token itself would rotate it), then the other session's refresh token is refused and the current one still works.
        await Eventually.TrueAsync(async () =>
            (await management.GetFromJsonAsync<JsonElement>($"/api/users/{userId}/sessions", Ct)).GetArrayLength() == 1,
            TimeSpan.FromSeconds(20), "the other session ended");
        var refused = await here.RefreshAsync(clientId, elsewhere.GetProperty("refresh_token").GetString()!);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());
        var refreshed = await here.RefreshAsync(clientId, current.GetProperty("refresh_token").GetString()!);
        Assert.True(refreshed.TryGetProperty("access_token", out _), refreshed.ToString());
    }
}
