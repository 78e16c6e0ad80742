using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Auth.Platform.IntegrationTests.Mfa;

/// <summary>
/// mfa's one internal MFA decision, <c>POST /internal/mfa/users/{userId}/sign-in-gate</c>, against its real database: each
/// outcome (verify, bind, backup codes, none) from factors bound through the internal API and settings it stores.
/// </summary>
public sealed partial class MfaInternalApiTests
{
    private static object Gate(string[] factors, string policy = "UserControlled", string interactionEvent = "SignIn", bool organizationRequiresMfa = false,
        string? email = null, bool verified = false, string[]? proven = null, bool skipped = false, bool boundFactor = false) => new
    {
        interactionEvent, firstFactor = "Password", factors, policy, organizationRequiresMfa, email, phone = (string?)null, verified,
        addressesProvenInInteraction = proven ?? [], skipped, boundFactor,
    };

    private async Task<JsonElement> DecideAsync(string userId, object body)
    {
        using var response = await _mfa.PostAsJsonAsync($"/internal/mfa/users/{userId}/sign-in-gate", body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string[] Strings(JsonElement answer, string property) => [.. answer.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task UserWithABoundTotp_MustVerify_WithTheFactorsAndMaskedAddress()
    {
        var userId = NewUserId();
        await BindTotpAsync(userId);
        var answer = await DecideAsync(userId, Gate(["Totp", "EmailVerificationCode"], email: "jane.doe@example.com"));
        Assert.Equal("verify", answer.GetProperty("requirement").GetString());
        Assert.Equal(["Totp", "EmailVerificationCode"], Strings(answer, "availableFactors"));
        Assert.Equal("ja****@example.com", answer.GetProperty("maskedIdentifiers").GetProperty("EmailVerificationCode").GetString());
    }

    [Fact]
    public async Task UserWithoutAFactor_IsAskedToBind_SkippableUnlessMandatoryOrRequiredByAnOrganization()
    {
        var userId = NewUserId();
        var prompted = await DecideAsync(userId, Gate(["Totp", "WebAuthn", "BackupCode"]));
        Assert.Equal("bind", prompted.GetProperty("requirement").GetString());
        Assert.Equal(["WebAuthn", "Totp"], Strings(prompted, "availableFactors"));
        Assert.True(prompted.GetProperty("skippable").GetBoolean());
        Assert.False((await DecideAsync(userId, Gate(["Totp"], "Mandatory"))).GetProperty("skippable").GetBoolean());
        var organization = await DecideAsync(userId, Gate(["Totp"], "NoPrompt", organizationRequiresMfa: true));
        Assert.Equal(("bind", false), (organization.GetProperty("requirement").GetString(), organization.GetProperty("skippable").GetBoolean()));
        Assert.Equal("none", (await DecideAsync(userId, Gate(["Totp"], "PromptOnlyAtSignIn", "Register"))).GetProperty("requirement").GetString());
    }

    [Fact]
    public async Task AfterBindingAFactor_BackupCodesAreRequired_UntilTheUserHasThem()
    {
        var userId = NewUserId();
        await BindTotpAsync(userId);
        var request = Gate(["Totp", "BackupCode"], verified: true, boundFactor: true);
        Assert.Equal("backupCodes", (await DecideAsync(userId, request)).GetProperty("requirement").GetString());
        await BindBackupCodesAsync(userId);
        Assert.Equal("none", (await DecideAsync(userId, request)).GetProperty("requirement").GetString());
    }

    [Fact]
    public async Task ASkipInTheInteraction_AsksNothing_AndIsRememberedForTheUser()
    {
        var userId = NewUserId();
        Assert.Equal("none", (await DecideAsync(userId, Gate(["Totp"], skipped: true))).GetProperty("requirement").GetString());
        var settings = await JsonAsync(await _mfa.GetAsync($"/internal/mfa/users/{userId}/settings", Ct));
        Assert.True(settings.GetProperty("skipped").GetBoolean());
        // Remembered: the next sign-in is not prompted although it does not skip again.
        Assert.Equal("none", (await DecideAsync(userId, Gate(["Totp"]))).GetProperty("requirement").GetString());
    }

    [Fact]
    public async Task SkipMfaOnSignIn_LetsAUserWithAFactorThrough_UnlessMandatory()
    {
        var userId = NewUserId();
        await BindTotpAsync(userId);
        await JsonAsync(await _mfa.PatchAsJsonAsync($"/internal/mfa/users/{userId}/settings", new { skipMfaOnSignIn = true }, Ct));
        Assert.Equal("none", (await DecideAsync(userId, Gate(["Totp"]))).GetProperty("requirement").GetString());
        Assert.Equal("verify", (await DecideAsync(userId, Gate(["Totp"], "Mandatory"))).GetProperty("requirement").GetString());
    }

    [Fact]
    public async Task AnAddressProvenInTheInteraction_IsTheSecondFactorOfAUserWithoutOne()
    {
        var answer = await DecideAsync(NewUserId(), Gate(["EmailVerificationCode", "Totp"], proven: ["EmailVerificationCode"]));
        Assert.Equal(("none", "EmailVerificationCode"), (answer.GetProperty("requirement").GetString(), answer.GetProperty("verifiedBy").GetString()));
    }

    [Theory]
    [InlineData("""{"interactionEvent":"SignIn","factors":["Totp"],"policy":"Sometimes"}""")]
    [InlineData("""{"interactionEvent":"Bind","factors":["Totp"],"policy":"NoPrompt"}""")]
    [InlineData("""{"interactionEvent":"SignIn","factors":["Sms"],"policy":"NoPrompt"}""")]
    [InlineData("""{"interactionEvent":"SignIn","policy":"NoPrompt"}""")]
    public async Task MalformedRequest_Returns400InvalidInput(string json)
    {
        using var response = await _mfa.PostAsync($"/internal/mfa/users/{NewUserId()}/sign-in-gate", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("guard.invalid_input", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task WithoutAServiceToken_Returns401()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Stack.ServiceUrl("mfa") };
        using var response = await anonymous.PostAsJsonAsync($"/internal/mfa/users/{NewUserId()}/sign-in-gate", Gate(["Totp"]), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
