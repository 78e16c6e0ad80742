using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.CodeVerification;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Account;

/// <summary>
/// <c>POST|DELETE /api/my-account/primary-email</c> and <c>…/primary-phone</c> through the gateway: two records, a
/// step-up one in <c>logto-verification-id</c> and a verified code for the new address in
/// <c>newIdentifierVerificationRecordId</c>; refusals change nothing.
/// </summary>
[Collection(AccountCenterCollection.Name)]
public sealed class PrimaryIdentifierTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Scopes = "openid profile email phone";
    private readonly MyAccountSession _session = new(fixture.Stack);
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync() =>
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { email = "Edit", phone = "Edit", username = "Edit" } });

    public async ValueTask DisposeAsync()
    {
        await AccountCenterCollection.ResetAsync(Stack);
        _session.Dispose();
    }

    [Fact]
    public async Task PostEmail_WithStepUpAndAVerifiedCodeForTheNewAddress_Returns204_AndSetsIt()
    {
        var user = await _session.SignInAsync(Scopes);
        var stepUp = await _session.VerifyPasswordAsync(user);
        var email = NewEmail();
        var proof = await _session.ProveAsync(Stack, user, "email", email);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-email", user.AccessToken,
            new { email, newIdentifierVerificationRecordId = proof }, stepUp);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(email, (await ReadUserAsync(Stack, user.UserId)).GetProperty("primaryEmail").GetString());
    }

    [Fact]
    public async Task PostPhone_WithStepUpAndAVerifiedSmsCode_Returns204_AndSetsItInE164()
    {
        var user = await _session.SignInAsync(Scopes);
        var stepUp = await _session.VerifyPasswordAsync(user);
        var phone = UniquePhone();
        var proof = await _session.ProveAsync(Stack, user, "phone", phone);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-phone", user.AccessToken,
            new { phone = "00" + phone[1..], newIdentifierVerificationRecordId = proof }, stepUp);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(phone, (await ReadUserAsync(Stack, user.UserId)).GetProperty("primaryPhone").GetString());
    }

    [Fact]
    public async Task PostEmail_WithoutStepUp_Returns401PermissionDenied_AndNothingChanges()
    {
        var user = await _session.SignInAsync(Scopes);
        var email = NewEmail();
        var proof = await _session.ProveAsync(Stack, user, "email", email);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-email", user.AccessToken,
            new { email, newIdentifierVerificationRecordId = proof });

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
        Assert.Equal(JsonValueKind.Null, (await ReadUserAsync(Stack, user.UserId)).GetProperty("primaryEmail").ValueKind);
    }

    [Fact]
    public async Task PostEmail_WithTheNewAddressesCodeAsStepUp_Returns401_BecauseABindNewIdentifierRecordIsNoStepUp()
    {
        var user = await _session.SignInAsync(Scopes);
        var email = NewEmail();
        var proof = await _session.ProveAsync(Stack, user, "email", email);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-email", user.AccessToken,
            new { email, newIdentifierVerificationRecordId = proof }, proof);

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
    }

    [Fact]
    public async Task PostEmail_WithACodeRecordForAnotherAddress_Returns400RecordNotFound_AndNothingChanges()
    {
        var user = await _session.SignInAsync(Scopes);
        var stepUp = await _session.VerifyPasswordAsync(user);
        var proof = await _session.ProveAsync(Stack, user, "email", NewEmail());

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-email", user.AccessToken,
            new { email = NewEmail(), newIdentifierVerificationRecordId = proof }, stepUp);

        await AssertProblemAsync(response, 400, "verification_record.not_found");
        Assert.Equal(JsonValueKind.Null, (await ReadUserAsync(Stack, user.UserId)).GetProperty("primaryEmail").ValueKind);
    }

    [Fact]
    public async Task PostEmail_WithAnUnverifiedCodeRecord_Returns400RecordNotFound()
    {
        var user = await _session.SignInAsync(Scopes);
        var stepUp = await _session.VerifyPasswordAsync(user);
        var email = NewEmail();
        var sent = await _session.SendCodeAsync(user, "email", email);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-email", user.AccessToken,
            new { email, newIdentifierVerificationRecordId = sent }, stepUp);

        await AssertProblemAsync(response, 400, "verification_record.not_found");
    }

    [Fact]
    public async Task PostEmail_AnotherUsersAddress_Returns422EmailAlreadyInUse_AndNothingChanges()
    {
        using var otherSession = new MyAccountSession(Stack);
        var other = await otherSession.SignInAsync(Scopes);
        var taken = NewEmail();
        await SetPrimaryEmailAsync(Stack, other, taken);
        var user = await _session.SignInAsync(Scopes);
        var stepUp = await _session.VerifyPasswordAsync(user);
        var proof = await _session.ProveAsync(Stack, user, "email", taken);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-email", user.AccessToken,
            new { email = taken, newIdentifierVerificationRecordId = proof }, stepUp);

        await AssertProblemAsync(response, 422, "user.email_already_in_use");
        Assert.Equal(JsonValueKind.Null, (await ReadUserAsync(Stack, user.UserId)).GetProperty("primaryEmail").ValueKind);
    }

    [Fact]
    public async Task PostEmail_WhenTheEmailFieldIsReadOnly_Returns400FieldNotEditable()
    {
        await AccountCenterCollection.PatchAsync(Stack, new { enabled = true, fields = new { email = "ReadOnly" } });
        var user = await _session.SignInAsync(Scopes);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-email", user.AccessToken,
            new { email = NewEmail(), newIdentifierVerificationRecordId = "whatever" });

        await AssertProblemAsync(response, 400, "account_center.field_not_editable");
    }

    [Theory]
    [InlineData("""{"email":"not an email","newIdentifierVerificationRecordId":"x"}""", "guard.invalid_input")]
    [InlineData("""{"email":"a@example.com"}""", "guard.invalid_input")]
    [InlineData("""{"newIdentifierVerificationRecordId":"x"}""", "guard.invalid_input")]
    public async Task PostEmail_WithBadInput_Returns400(string body, string code)
    {
        var user = await _session.SignInAsync(Scopes);
        var stepUp = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Post, "/api/my-account/primary-email", user.AccessToken,
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), stepUp);

        await AssertProblemAsync(response, 400, code);
    }

    [Fact]
    public async Task DeleteEmail_WhileAUsernameRemains_Returns204_AndRemovesIt()
    {
        var user = await _session.SignInAsync(Scopes);
        await SetPrimaryEmailAsync(Stack, user, NewEmail());
        var stepUp = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Delete, "/api/my-account/primary-email", user.AccessToken, verificationId: stepUp);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(JsonValueKind.Null, (await ReadUserAsync(Stack, user.UserId)).GetProperty("primaryEmail").ValueKind);
    }

    [Fact]
    public async Task DeleteEmail_TheLastIdentifier_Returns422LastIdentifier_AndKeepsIt()
    {
        var user = await _session.SignInAsync(Scopes);
        var email = NewEmail();
        await SetPrimaryEmailAsync(Stack, user, email);
        using (var management = await ManagementClientAsync(Stack))
        using (var cleared = await management.PatchAsJsonAsync($"/api/users/{user.UserId}", new { username = (string?)null }, Ct))
            Assert.True(cleared.IsSuccessStatusCode, await cleared.Content.ReadAsStringAsync(Ct));
        var stepUp = await _session.VerifyPasswordAsync(user);

        using var response = await _session.SendAsync(HttpMethod.Delete, "/api/my-account/primary-email", user.AccessToken, verificationId: stepUp);

        await AssertProblemAsync(response, 422, "user.last_identifier");
        Assert.Equal(email, (await ReadUserAsync(Stack, user.UserId)).GetProperty("primaryEmail").GetString());
    }

    [Fact]
    public async Task DeletePhone_WithoutStepUp_Returns401PermissionDenied()
    {
        var user = await _session.SignInAsync(Scopes);

        using var response = await _session.SendAsync(HttpMethod.Delete, "/api/my-account/primary-phone", user.AccessToken);

        await AssertProblemAsync(response, 401, "verification_record.permission_denied");
    }
}
