using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Platform.AppHost.Hosting;
using Auth.Platform.IntegrationTests.Mfa;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Organization;

/// <summary>
/// An organization that requires MFA gives organization tokens only to grants whose sign-in passed a second factor
/// (the grant's <c>amr</c> holds <c>mfa</c>). In the MFA collection: it switches TOTP on for the tenant.
/// </summary>
[Collection(nameof(MfaExperienceTests))]
public sealed class OrganizationMfaTokenTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private const string Scope = "openid offline_access " + OrganizationApi.OrganizationsScope;
    private PlatformStack Stack => fixture.Stack;

    public async ValueTask InitializeAsync() => await SetMfaAsync(["Totp"]);

    public async ValueTask DisposeAsync() => await SetMfaAsync([]);

    [Fact]
    public async Task OrganizationRequiringMfa_GivesATokenToAGrantThatPassedTotp()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (userId, _) = await api.RegisterAsync(clientId, Scope);
        var username = (await ReadJsonAsync(await api.Management.GetAsync($"/api/users/{userId}", Ct))).GetProperty("username").GetString()!;
        var organizationId = await api.CreateOrganizationIdAsync(isMfaRequired: true);
        await api.AddMemberAsync(organizationId, userId);

        // Bind TOTP in one sign-in...
        string secret;
        long boundAt;
        using (var enrolling = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient))
        {
            await SignInWithPasswordAsync(enrolling, clientId, SigninClient.NewPkce().Challenge, username);
            var created = await ReadJsonAsync(await enrolling.ExperienceAsync(HttpMethod.Post, "/verification/totp/secret"));
            secret = created.GetProperty("secret").GetString()!;
            var verificationId = created.GetProperty("verificationId").GetString();
            boundAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using (var verified = await enrolling.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = await OtplibCodeAsync(secret, boundAt), verificationId }))
                Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
            using (var bound = await enrolling.ExperienceAsync(HttpMethod.Post, "/profile/mfa", new { type = "Totp", verificationId }))
                Assert.Equal(HttpStatusCode.NoContent, bound.StatusCode);
            await enrolling.SubmitAndFollowAsync(OrganizationApi.Callback);
        }

        // ...then sign in with the password and a fresh TOTP code: this grant passed a second factor.
        using var browser = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        var (verifier, challenge) = SigninClient.NewPkce();
        await SignInWithPasswordAsync(browser, clientId, challenge, username);
        using (var verified = await browser.ExperienceAsync(HttpMethod.Post, "/verification/totp/verify", new { code = await OtplibCodeAsync(secret, boundAt + 30) }))
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var tokens = await browser.RedeemAsync(clientId, await browser.SubmitAndFollowAsync(OrganizationApi.Callback), OrganizationApi.Callback, verifier);

        var answer = await api.OrganizationTokenAsync(clientId, tokens.GetProperty("refresh_token").GetString()!, organizationId);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Body.ToString());
        var jwt = await api.ValidateJwtAsync(answer.Body.GetProperty("access_token").GetString()!, "urn:logto:organization:" + organizationId);
        Assert.Equal(organizationId, jwt.GetClaim("organization_id").Value);
    }

    [Fact]
    public async Task OrganizationRequiredMfaPolicyMandatory_MembersOfAnOrganizationRequiringMfaMustBindAFactor_AndCannotSkip()
    {
        var api = await OrganizationApi.CreateAsync(Stack);
        var clientId = await api.CreateSpaAsync();
        var (memberId, _) = await api.RegisterAsync(clientId, Scope);
        var member = (await ReadJsonAsync(await api.Management.GetAsync($"/api/users/{memberId}", Ct))).GetProperty("username").GetString()!;
        var (outsiderId, _) = await api.RegisterAsync(clientId, Scope);
        var outsider = (await ReadJsonAsync(await api.Management.GetAsync($"/api/users/{outsiderId}", Ct))).GetProperty("username").GetString()!;
        var organizationId = await api.CreateOrganizationIdAsync(isMfaRequired: true);
        await api.AddMemberAsync(organizationId, memberId);

        using var admin = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        using (var patched = await admin.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp",
            new { mfa = new { factors = new[] { "Totp" }, policy = "NoPrompt", organizationRequiredMfaPolicy = "Mandatory" } }))
            Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync(Ct));
        try
        {
            using var browser = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
            await SignInWithPasswordAsync(browser, clientId, SigninClient.NewPkce().Challenge, member);
            using (var submit = await browser.ExperienceAsync(HttpMethod.Post, "/submit"))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, submit.StatusCode);
                var problem = await submit.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
                Assert.Equal("user.missing_mfa", problem.GetProperty("code").GetString());
                Assert.False(problem.GetProperty("data").GetProperty("skippable").GetBoolean());
            }
            using (var skip = await browser.ExperienceAsync(HttpMethod.Post, "/profile/mfa/mfa-skipped"))
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, skip.StatusCode);
                Assert.Equal("session.mfa.mfa_policy_not_user_controlled", (await skip.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("code").GetString());
            }

            // Someone in no such organization is not asked (the tenant's own policy is NoPrompt).
            using var other = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
            await SignInWithPasswordAsync(other, clientId, SigninClient.NewPkce().Challenge, outsider);
            await other.SubmitAndFollowAsync(OrganizationApi.Callback);
        }
        finally
        {
            await SetMfaAsync(["Totp"]);
        }
    }

    private static async Task SignInWithPasswordAsync(SigninClient browser, string clientId, string challenge, string username)
    {
        using (await browser.GetAsync(SigninClient.AuthorizePath(clientId, OrganizationApi.Callback, challenge, Scope))) { }
        var verification = await ReadJsonAsync(await browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = OrganizationApi.Password }));
        using var identified = await browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId = verification.GetProperty("verificationId").GetString() });
        Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
    }

    private async Task SetMfaAsync(string[] factors)
    {
        using var admin = new SigninClient(Stack.GatewayUrl, Stack.ManagementClient);
        using var response = await admin.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new { mfa = new { factors, policy = "NoPrompt", organizationRequiredMfaPolicy = "NoPrompt" } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static Task<string> OtplibCodeAsync(string secret, long epochSeconds) => Otplib.CodeAsync(secret, epochSeconds, Ct);
}
