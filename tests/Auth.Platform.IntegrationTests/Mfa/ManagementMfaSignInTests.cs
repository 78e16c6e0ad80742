using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Mfa.Totp;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Mfa;

/// <summary>
/// Factors an admin binds through the Management API are the user's factors at sign-in (Experience API, through the
/// gateway). In the MFA Experience collection: these tests switch the tenant's MFA factors on.
/// </summary>
[Collection(nameof(MfaExperienceTests))]
public sealed class ManagementMfaSignInTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string RedirectUri = "http://localhost:3000/callback";
    private const string Password = "correct horse battery";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly List<SigninClient> _clients = [];
    private SigninClient _admin = null!;
    private string _clientId = "";

    public async ValueTask InitializeAsync()
    {
        _admin = NewBrowser();
        _clientId = (await _admin.CreateApplicationAsync("SPA", RedirectUri)).GetProperty("id").GetString()!;
        await SetMfaFactorsAsync(["Totp", "BackupCode"]);
    }

    public async ValueTask DisposeAsync()
    {
        await SetMfaFactorsAsync([]);
        foreach (var c in _clients) c.Dispose();
    }

    [Fact]
    public async Task TotpSetByAnAdminWithAGivenSecret_IsRequiredAtSignIn_AndACodeFromThatSecretSignsIn()
    {
        var (username, userId) = await CreateUserAsync();
        var secret = Base32.Encode(RandomNumberGenerator.GetBytes(20));
        using (var created = await _admin.ManagementAsync(HttpMethod.Post, $"/api/users/{userId}/mfa-verifications", new { type = "Totp", secret }))
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        var browser = await SignInWithPasswordAsync(username);
        await AssertProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
        var code = TotpAlgorithm.Code(Base32.Decode(secret), DateTimeOffset.UtcNow);
        using (var verified = await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code }))
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);

        Assert.NotEmpty(await browser.SubmitAndFollowAsync(RedirectUri));
    }

    [Fact]
    public async Task BackupCodesSetByAnAdmin_SignTheUserIn_AndEachCodeWorksOnce()
    {
        var (username, userId) = await CreateUserAsync();
        using (var totp = await _admin.ManagementAsync(HttpMethod.Post, $"/api/users/{userId}/mfa-verifications", new { type = "Totp" }))
            Assert.Equal(HttpStatusCode.OK, totp.StatusCode);
        var codes = Enumerable.Range(0, 10).Select(_ => Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()).ToArray();
        using (var backup = await _admin.ManagementAsync(HttpMethod.Post, $"/api/users/{userId}/mfa-verifications", new { type = "BackupCode", codes }))
            Assert.Equal(HttpStatusCode.OK, backup.StatusCode);

        var browser = await SignInWithPasswordAsync(username);
        using (var verified = await browser.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = codes[0] }))
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.NotEmpty(await browser.SubmitAndFollowAsync(RedirectUri));

        var replay = await SignInWithPasswordAsync(username);
        await AssertProblemAsync(await replay.ExperienceAsync(HttpMethod.Post, "/verification/backup-code/verify", new { code = codes[0] }), 400, "session.mfa.invalid_backup_code");
    }

    private SigninClient NewBrowser()
    {
        var client = new SigninClient(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
        _clients.Add(client);
        return client;
    }

    private async Task SetMfaFactorsAsync(string[] factors)
    {
        using var response = await _admin.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new { mfa = new { factors, policy = "UserControlled" } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<(string Username, string UserId)> CreateUserAsync()
    {
        var username = SigninClient.NewUsername();
        using var response = await _admin.ManagementAsync(HttpMethod.Post, "/api/users", new { username, password = Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (username, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!);
    }

    private async Task<SigninClient> SignInWithPasswordAsync(string username)
    {
        var browser = NewBrowser();
        using (await browser.GetAsync(SigninClient.AuthorizePath(_clientId, RedirectUri, SigninClient.NewPkce().Challenge))) { }
        using (var put = await browser.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = "SignIn" }))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using var verification = await browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = Password });
        Assert.Equal(HttpStatusCode.OK, verification.StatusCode);
        var verificationId = (await verification.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verificationId").GetString();
        using var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId });
        Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
        return browser;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        using (response) await Account.PlatformApi.AssertProblemAsync(response, status, code);
    }
}
