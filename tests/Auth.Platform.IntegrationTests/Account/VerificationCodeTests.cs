using System.Net;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.CodeVerification;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// Logto's verification by code (<c>POST /api/verifications/verification-code[/verify]</c>) through the gateway with tokens
/// from a real code flow and codes read where a person reads them: a code to the user's own address proves who they are
/// (step-up); a code to a new address (BindNewIdentifier) only proves they own it.
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class VerificationCodeTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync() =>
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { username = "Edit" } });

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    [Fact]
    public async Task CodeToTheUsersOwnEmail_Verified_Returns200WithARecord_ThatCountsAsStepUp()
    {
        var user = await _session.SignInAsync("openid profile");
        var email = NewEmail();
        await SetPrimaryEmailAsync(Stack, user, email);
        var before = DateTimeOffset.UtcNow;

        var id = await _session.SendCodeAsync(user, "email", email.ToUpperInvariant());
        using var verified = await _session.VerifyCodeAsync(user, "email", email, id, await EmailCodeAsync(Stack, email));

        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var record = await ReadJsonAsync(verified);
        Assert.Equal(id, record.GetProperty("verificationRecordId").GetString());
        Assert.InRange(record.GetProperty("expiresAt").GetDateTimeOffset(), before.AddMinutes(10).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(10).AddSeconds(5));
        var renamed = UniqueName("bycode");
        using var change = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = renamed }, id);
        Assert.True(change.IsSuccessStatusCode, await change.Content.ReadAsStringAsync(Ct));
        Assert.Equal(renamed, (await ReadUserAsync(Stack, user.UserId)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task CodeToANewEmail_Verified_NeverCountsAsStepUp()
    {
        var user = await _session.SignInAsync("openid profile");
        var id = await _session.ProveAsync(Stack, user, "email", NewEmail());

        using var change = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = UniqueName("nope") }, id);

        await AssertProblemAsync(change, 401, "verification_record.permission_denied");
        Assert.Equal(user.Username, (await ReadUserAsync(Stack, user.UserId)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task CodeToAPhone_ArrivesBySms_AndVerifies()
    {
        var user = await _session.SignInAsync("openid profile");
        var phone = UniquePhone();

        var id = await _session.SendCodeAsync(user, "phone", phone);
        using var verified = await _session.VerifyCodeAsync(user, "phone", phone, id, await SmsCodeAsync(Stack, phone));

        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
    }

    [Fact]
    public async Task Verify_WithAWrongCode_Returns400CodeMismatch_AndTheRecordStaysUnverified()
    {
        var user = await _session.SignInAsync("openid profile");
        var email = NewEmail();
        await SetPrimaryEmailAsync(Stack, user, email);
        var id = await _session.SendCodeAsync(user, "email", email);
        var code = await EmailCodeAsync(Stack, email);

        using var wrong = await _session.VerifyCodeAsync(user, "email", email, id, code == "000000" ? "111111" : "000000");

        await AssertProblemAsync(wrong, 400, "verification_code.code_mismatch");
        using var change = await _session.SendAsync(HttpMethod.Patch, "/api/my-account", user.AccessToken, new { username = UniqueName("nope") }, id);
        await AssertProblemAsync(change, 401, "verification_record.permission_denied");
    }

    [Fact]
    public async Task Verify_AnotherUsersRecord_Returns400RecordNotFound_EvenWithTheRightCode()
    {
        using var otherSession = new MyAccountSession(Stack);
        var other = await otherSession.SignInAsync("openid profile");
        var email = NewEmail();
        var othersRecord = await otherSession.SendCodeAsync(other, "email", email);
        var code = await EmailCodeAsync(Stack, email);
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.VerifyCodeAsync(user, "email", email, othersRecord, code);

        await AssertProblemAsync(response, 400, "verification_record.not_found");
    }

    [Fact]
    public async Task Verify_ForAnotherIdentifierThanTheRecords_Returns400RecordNotFound()
    {
        var user = await _session.SignInAsync("openid profile");
        var email = NewEmail();
        var id = await _session.SendCodeAsync(user, "email", email);
        var code = await EmailCodeAsync(Stack, email);

        using var response = await _session.VerifyCodeAsync(user, "email", NewEmail(), id, code);

        await AssertProblemAsync(response, 400, "verification_record.not_found");
    }

    public static TheoryData<string, string> BadRequests() => new()
    {
        { """{"identifier":{"type":"username","value":"alice"}}""", "guard.invalid_input" },
        { """{"identifier":{"type":"email","value":"not an email"}}""", "guard.invalid_input" },
        { """{"identifier":{"type":"phone","value":"12"}}""", "user.invalid_phone" },
        { """{"identifier":{"type":"email"}}""", "guard.invalid_input" },
        { """{}""", "guard.invalid_input" },
        { """{"identifier":{"type":"email","value":"a@example.com"},"templateType":"SignIn"}""", "guard.invalid_input" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Send_WithBadInput_Returns400(string body, string code)
    {
        var user = await _session.SignInAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/verifications/verification-code", user.AccessToken,
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, 400, code);
    }

    [Fact]
    public async Task Send_WithAThirdPartyAppsToken_Returns403ThirdPartyApplicationForbidden()
    {
        var user = await _session.SignInWithThirdPartyAppAsync("openid profile");

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/verifications/verification-code", user.AccessToken,
            new { identifier = new { type = "email", value = NewEmail() } });

        await AssertProblemAsync(response, 403, "auth.third_party_application_forbidden");
    }

    /// <summary>Wrong codes count per user like wrong passwords (default 10 an hour, parallel guesses included): then 429
    /// with the sentinel's code, even for the right code.</summary>
    [Fact]
    public async Task Verify_GuessedInParallel_LocksTheUserAfterTenWrongCodes()
    {
        var user = await _session.SignInAsync("openid profile");
        var email = NewEmail();
        var id = await _session.SendCodeAsync(user, "email", email);
        var code = await EmailCodeAsync(Stack, email);
        var wrong = code == "000000" ? "111111" : "000000";

        var guesses = await Task.WhenAll(Enumerable.Range(0, 14).Select(async _ =>
        {
            using var response = await _session.VerifyCodeAsync(user, "email", email, id, wrong);
            return (int)response.StatusCode;
        }));

        Assert.Equal(10, guesses.Count(s => s == 400));
        Assert.Equal(4, guesses.Count(s => s == 429));
        using var right = await _session.VerifyCodeAsync(user, "email", email, id, code);
        await AssertProblemAsync(right, 429, "session.verification_blocked_too_many_attempts");
    }
}
