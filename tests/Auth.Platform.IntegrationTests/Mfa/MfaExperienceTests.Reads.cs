using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

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
    public async Task Registration_ReadsTheUserOnlyForTheToken_TheCreatedOneIsKept()
    {
        var (_, userId) = await RegisterAsync();
        // Identification creates the user and keeps account's answer; submit and the MFA gate use it. The one read is the
        // resumed /oidc/auth's, for the token's claims.
        Assert.Equal(1, await AccountReadsAsync(userId));
    }

    [Fact]
    public async Task MfaSteps_KeepTheirStateInTheInteractionsOneRedisKey()
    {
        var (username, _) = await RegisterAsync();
        var browser = await SignInWithPasswordAsync(username);
        await EnrolTotpAsync(browser);
        // Before issue 12 the MFA side lived beside the interaction, in signin:interaction:{id}:mfa.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Stack.ConnectionString("redis"));
        var server = redis.GetServers()[0];
        Assert.NotEmpty(server.Keys(pattern: "signin:interaction:*"));
        Assert.Empty(server.Keys(pattern: "signin:interaction:*:mfa"));
        await browser.SubmitAndFollowAsync(RedirectUri);
    }

    private async Task<int> AccountReadsAsync(string userId)
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("signin") };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/internal/diagnostics/account-reads/{userId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await NewBrowser().ManagementTokenAsync());
        return (await JsonAsync(await http.SendAsync(request, Ct))).GetProperty("reads").GetInt32();
    }
}
