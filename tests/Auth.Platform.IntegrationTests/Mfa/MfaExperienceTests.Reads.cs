using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;

namespace Auth.Platform.IntegrationTests.Mfa;

/// <summary>
/// A sign-in reads its user from account once (issue 12 pt 0): the Experience API keeps what it read on the interaction and
/// asks mfa for the MFA decision in one call. Counted by signin's Development counter of <c>GET /internal/users/{id}</c>.
/// </summary>
public sealed partial class MfaExperienceTests
{
    [Fact]
    public async Task PasswordSignIn_ThroughTheTotpGate_ReadsTheUserOnce_AndOnceMoreForTheToken()
    {
        var (username, userId) = await RegisterAsync();
        var secret = await BindTotpAsync(username);
        var before = await AccountReadsAsync(userId);

        var browser = await SignInWithPasswordAsync(username);
        await ProblemAsync(await browser.ExperienceAsync(HttpMethod.Post, "/submit"), 403, "session.mfa.require_mfa_verification");
        var code = await OtplibCodeAsync(secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 30);
        using (var verified = await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code }))
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        using var submit = await browser.ExperienceAsync(HttpMethod.Post, "/submit");
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        // Password, identification, two submits and a TOTP step: one read, kept on the interaction.
        Assert.Equal(1, await AccountReadsAsync(userId) - before);

        var redirectTo = (await JsonAsync(submit)).GetProperty("redirectTo").GetString()!;
        using (var resumed = await browser.GetAsync(redirectTo))
            Assert.Equal(HttpStatusCode.Redirect, resumed.StatusCode);
        // The resumed /oidc/auth reads the user for the token's claims (and ends the session of a user suspended meanwhile).
        Assert.Equal(2, await AccountReadsAsync(userId) - before);
    }

    [Fact]
    public async Task Registration_ThenSubmit_ReadsNoUser_TheCreatedOneIsKept()
    {
        var browser = NewBrowser();
        var username = SigninClient.NewUsername();
        await StartAsync(browser, "Register");
        var verification = await JsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = username }, password = Password }));
        using (var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId = verification.GetProperty("verificationId").GetString() }))
            Assert.Equal(HttpStatusCode.Created, identified.StatusCode);
        var userId = (await JsonAsync(await browser.ExperienceAsync(HttpMethod.Get, "/interaction"))).GetProperty("userId").GetString()!;
        using (var submit = await browser.ExperienceAsync(HttpMethod.Post, "/submit"))
            Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        Assert.Equal(0, await AccountReadsAsync(userId));
    }

    private async Task<int> AccountReadsAsync(string userId)
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("signin") };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/internal/diagnostics/account-reads/{userId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await NewBrowser().ManagementTokenAsync());
        return (await JsonAsync(await http.SendAsync(request, Ct))).GetProperty("reads").GetInt32();
    }
}
