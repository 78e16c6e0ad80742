using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Logto's security verification (<c>/api/verifications</c>) through the gateway with tokens from a real code flow: a
/// record proves the user just typed their password, and sensitive Account API calls need it in <c>logto-verification-id</c>.
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class SecurityVerificationTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync() =>
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { username = "Edit", name = "Edit" } });

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    [Fact]
    public async Task Password_WithTheRightPassword_Returns201WithARecordThatExpiresInTenMinutes()
    {
        var user = await _session.SignInAsync("openid profile");
        var before = DateTimeOffset.UtcNow;

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/verifications/password", user.AccessToken, new { password = user.Password });

        Assert.True(201 == (int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        var record = await ReadJsonAsync(response);
        Assert.Matches("^[a-z0-9]{21}$", record.GetProperty("verificationRecordId").GetString());
        var expiresAt = record.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddMinutes(10).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(10).AddSeconds(5));
    }

    [Fact]
    public async Task Password_WithAWrongPassword_Returns422InvalidCredentials()
    {
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/verifications/password", user.AccessToken, new { password = "wrong horse battery" });

        await AssertProblemAsync(response, 422, "session.invalid_credentials");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"password":""}""")]
    [InlineData("""{"password":42}""")]
    [InlineData("[]")]
    public async Task Password_WithAMalformedBody_Returns400(string body)
    {
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/verifications/password", user.AccessToken,
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task Password_WithAThirdPartyAppsToken_Returns403ThirdPartyApplicationForbidden()
    {
        var user = await _session.SignInWithThirdPartyAppAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/verifications/password", user.AccessToken, new { password = user.Password });

        await AssertProblemAsync(response, 403, "auth.third_party_application_forbidden");
    }

    [Fact]
    public async Task SensitiveChange_WithoutARecord_Returns401PermissionDenied_AndNothingChanges()
    {
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = UniqueName("renamed"), name = "Bob" });

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
        var stored = await ReadUserAsync(Stack, user.UserId);
        Assert.Equal(user.Username, stored.GetProperty("username").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("name").ValueKind);
    }

    [Theory]
    [InlineData("unknownrecord00000000")]
    [InlineData("")]
    public async Task SensitiveChange_WithAnUnknownRecord_Returns401PermissionDenied(string verificationId)
    {
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = UniqueName("renamed") },
            verificationId);

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
    }

    [Fact]
    public async Task SensitiveChange_WithAnotherUsersRecord_Returns401PermissionDenied()
    {
        using var otherSession = new MyAccountSession(Stack);
        var other = await otherSession.SignInAsync("openid profile");
        var othersRecord = await otherSession.VerifyPasswordAsync(other);
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = UniqueName("renamed") },
            othersRecord);

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
        Assert.Equal(user.Username, (await ReadUserAsync(Stack, user.UserId)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task SensitiveChange_WithTheUsersRecord_Succeeds_AndTheRecordIsReusableUntilItExpires()
    {
        var user = await _session.SignInAsync("openid profile");
        var record = await _session.VerifyPasswordAsync(user);
        var first = UniqueName("renamed");
        var second = UniqueName("again");

        using (var renamed = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = first }, record))
        {
            Assert.True(renamed.IsSuccessStatusCode, await renamed.Content.ReadAsStringAsync(Ct));
            Assert.Equal(first, (await ReadJsonAsync(renamed)).GetProperty("username").GetString());
        }
        using (var again = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = second }, record))
            Assert.True(again.IsSuccessStatusCode, await again.Content.ReadAsStringAsync(Ct));

        Assert.Equal(second, (await ReadUserAsync(Stack, user.UserId)).GetProperty("username").GetString());
    }

    /// <summary>
    /// "Rate-limit every guessable secret": wrong passwords count per user (default 10 an hour), also when guessed in
    /// parallel, and then even the right password is refused with the sentinel's 429 until the window moves; another user
    /// is not affected.
    /// </summary>
    [Fact]
    public async Task Password_GuessedInParallel_LocksTheUserAfterTenFailures_WithTheSentinelsCode()
    {
        var user = await _session.SignInAsync("openid profile");
        using var bystanderSession = new MyAccountSession(Stack);
        var bystander = await bystanderSession.SignInAsync("openid profile");

        var guesses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            using var response = await _session.SendAsync(HttpMethod.Post, "/api/verifications/password", user.AccessToken, new { password = $"wrong guess {i}" });
            return (int)response.StatusCode;
        }));

        Assert.Equal(10, guesses.Count(s => s == 422));
        Assert.Equal(6, guesses.Count(s => s == 429));
        using var right = await _session.SendAsync(HttpMethod.Post, "/api/verifications/password", user.AccessToken, new { password = user.Password });
        await AssertProblemAsync(right, 429, "session.verification_blocked_too_many_attempts");
        Assert.InRange(int.Parse(right.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ToString("0")), 3000, 3600);
        using var others = await bystanderSession.SendAsync(HttpMethod.Post, "/api/verifications/password", bystander.AccessToken, new { password = bystander.Password });
        Assert.Equal(201, (int)others.StatusCode);
    }
}
