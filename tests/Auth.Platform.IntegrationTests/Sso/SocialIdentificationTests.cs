using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// Identification with social and enterprise SSO records (issue 12 pts 3, 7; Logto's rules, logto.md §2 and §6) through the
/// gateway, against npm oidc-provider as the social provider and the enterprise OIDC IdP: a known identity signs in, a
/// verified email or phone finds the related account to link, registration creates the user with its identity, SSO
/// creates users just in time. Each test uses its own IdP account (<c>{account}@idp.test</c>) and default settings.
/// </summary>
public sealed class SocialIdentificationTests(PlatformStackFixture fixture, SocialIdpFixture idp)
    : ExternalExperienceTestBase(fixture, idp), IClassFixture<SocialIdpFixture>
{
    [Fact]
    public async Task Identification_OfAnUnknownIdentity_WithoutRelatedAccount_Returns404IdentityNotExist_WithoutRelatedUser()
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();
        var verificationId = await Ui.VerifiedRecordAsync("social", connectorId, Account());

        using var response = await Ui.IdentifyAsync(verificationId);
        var problem = await ReadJsonAsync(response);
        Assert.True((int)response.StatusCode == 404, problem.ToString());
        Assert.Equal("user.identity_not_exist", problem.GetProperty("code").GetString());
        Assert.False(problem.TryGetProperty("data", out var data) && data.TryGetProperty("relatedUser", out _), problem.ToString());
    }

    [Fact]
    public async Task Register_WithASocialRecord_CreatesTheUserWithItsIdentityAndVerifiedEmail_AndTheIdentityThenSignsIn()
    {
        var target = "oidc-" + Guid.NewGuid().ToString("N")[..8];
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp, target);
        var account = Account();
        await Ui.StartInteractionAsync();
        var verificationId = await Ui.VerifiedRecordAsync("social", connectorId, account);
        await AssertProblemAsync(await Ui.IdentifyAsync(verificationId), 404, "user.identity_not_exist");
        // The hosted UI's cross-over: "create an account?" switches the event and identifies again.
        using (var register = await Ui.Browser.ExperienceAsync(HttpMethod.Put, "/interaction-event", new { interactionEvent = "Register" }))
            Assert.Equal(HttpStatusCode.NoContent, register.StatusCode);
        using (var created = await Ui.IdentifyAsync(verificationId))
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        // The default sign-up asks for a username; the identity spares the password.
        await AssertProblemAsync(await Ui.Browser.ExperienceAsync(HttpMethod.Post, "/submit"), 422, "user.missing_profile");
        using (var username = await Ui.Browser.ExperienceAsync(HttpMethod.Post, "/profile", new { type = "username", value = SigninClient.NewUsername() }))
            Assert.Equal(HttpStatusCode.NoContent, username.StatusCode);
        var userId = SubjectOf(await Ui.SubmitAndRedeemAsync());

        var user = await ReadUserAsync(Stack, userId);
        Assert.Equal(account + "@idp.test", user.GetProperty("primaryEmail").GetString());
        Assert.Equal("User " + account, user.GetProperty("name").GetString());
        Assert.Equal(account, user.GetProperty("identities").GetProperty(target).GetProperty("userId").GetString());
        Assert.False(user.GetProperty("hasPassword").GetBoolean());

        using var later = new ExternalExperience(Stack, Idp);
        await later.StartInteractionAsync("SignIn", "openid profile identities");
        using (var signIn = await later.IdentifyAsync(await later.VerifiedRecordAsync("social", connectorId, account)))
            Assert.True(signIn.StatusCode == HttpStatusCode.NoContent, await signIn.Content.ReadAsStringAsync(Ct));
        var tokens = await later.SubmitAndRedeemAsync();
        Assert.Equal(userId, SubjectOf(tokens));
        Assert.Contains("fed", SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("amr").EnumerateArray().Select(a => a.GetString()));
        // The identities scope's claim at userinfo, in Logto's shape.
        using var userinfo = new HttpRequestMessage(HttpMethod.Get, "/oidc/me");
        userinfo.Headers.Authorization = new("Bearer", tokens.GetProperty("access_token").GetString());
        using var claims = await later.Browser.Http.SendAsync(userinfo, Ct);
        Assert.Equal(account, (await ReadJsonAsync(claims)).GetProperty("identities").GetProperty(target).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Identification_WhenTheVerifiedEmailIsAnAccounts_Returns404WithRelatedUser_AndLinkSocialIdentityLinksItAtSubmit()
    {
        var target = "oidc-" + Guid.NewGuid().ToString("N")[..8];
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp, target);
        var account = Account();
        var existing = await ExistingUserAsync(primaryEmail: account.ToUpperInvariant() + "@IDP.test");
        await Ui.StartInteractionAsync();
        var verificationId = await Ui.VerifiedRecordAsync("social", connectorId, account);

        using (var notLinked = await Ui.IdentifyAsync(verificationId))
        {
            var problem = await ReadJsonAsync(notLinked);
            Assert.True((int)notLinked.StatusCode == 404, problem.ToString());
            Assert.Equal("user.identity_not_exist", problem.GetProperty("code").GetString());
            var related = problem.GetProperty("data").GetProperty("relatedUser");
            Assert.Equal("email", related.GetProperty("type").GetString());
            Assert.Equal(account + "@idp.test", related.GetProperty("value").GetString());
        }
        using (var linked = await Ui.IdentifyAsync(verificationId, linkSocialIdentity: true))
            Assert.True(linked.StatusCode == HttpStatusCode.NoContent, await linked.Content.ReadAsStringAsync(Ct));
        // Nothing is written before submit.
        Assert.False((await ReadUserAsync(Stack, existing)).GetProperty("identities").TryGetProperty(target, out _));

        Assert.Equal(existing, SubjectOf(await Ui.SubmitAndRedeemAsync()));
        Assert.Equal(account, (await ReadUserAsync(Stack, existing)).GetProperty("identities").GetProperty(target).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Identification_WithAnUnverifiedIdpEmail_NeverFindsTheAccountHoldingIt()
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        var account = "unverified" + Guid.NewGuid().ToString("N")[..10];
        var existing = await ExistingUserAsync(primaryEmail: account + "@idp.test");
        await Ui.StartInteractionAsync();
        var verificationId = await Ui.VerifiedRecordAsync("social", connectorId, account);

        using (var response = await Ui.IdentifyAsync(verificationId))
        {
            var problem = await ReadJsonAsync(response);
            Assert.Equal("user.identity_not_exist", problem.GetProperty("code").GetString());
            Assert.False(problem.TryGetProperty("data", out var data) && data.TryGetProperty("relatedUser", out _), problem.ToString());
        }
        // Asking to link changes nothing: there is no related account to link to.
        await AssertProblemAsync(await Ui.IdentifyAsync(verificationId, linkSocialIdentity: true), 404, "user.identity_not_exist");
        Assert.Empty((await ReadUserAsync(Stack, existing)).GetProperty("identities").EnumerateObject());
    }

    [Fact]
    public async Task LinkSocialIdentity_AfterSigningInWithAPassword_LinksTheIdentityEvenWhenTheIdpEmailDiffers()
    {
        // Logto #7997, #8289: the IdP's address is not the account's, so only proving the account another way can link it.
        var target = "oidc-" + Guid.NewGuid().ToString("N")[..8];
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp, target);
        var username = SigninClient.NewUsername();
        var existing = await ExistingUserAsync(username: username, password: Password);
        var account = Account();
        await Ui.StartInteractionAsync();
        var socialRecord = await Ui.VerifiedRecordAsync("social", connectorId, account);
        await AssertProblemAsync(await Ui.IdentifyAsync(socialRecord), 404, "user.identity_not_exist");

        using (var password = await Ui.Browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = Password }))
        {
            var passwordRecord = (await ReadJsonAsync(password)).GetProperty("verificationId").GetString()!;
            using var identified = await Ui.IdentifyAsync(passwordRecord);
            Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
        }
        using (var linked = await Ui.IdentifyAsync(socialRecord, linkSocialIdentity: true))
            Assert.True(linked.StatusCode == HttpStatusCode.NoContent, await linked.Content.ReadAsStringAsync(Ct));
        Assert.Equal(existing, SubjectOf(await Ui.SubmitAndRedeemAsync()));

        using var later = new ExternalExperience(Stack, Idp);
        await later.StartInteractionAsync();
        using (var signIn = await later.IdentifyAsync(await later.VerifiedRecordAsync("social", connectorId, account)))
            Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.Equal(existing, SubjectOf(await later.SubmitAndRedeemAsync()));
        Assert.Null((await ReadUserAsync(Stack, existing)).GetProperty("primaryEmail").GetString());
    }

    [Fact]
    public async Task LinkSocialIdentity_ToTheSignedInAccount_OfAnIdentityAnotherAccountHolds_Returns422IdentityAlreadyInUse()
    {
        var target = "oidc-" + Guid.NewGuid().ToString("N")[..8];
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp, target);
        var account = Account();
        var holder = await ExistingUserAsync();
        using (var put = await Api.Management.PutAsJsonAsync($"/api/users/{holder}/identities/{target}", new { userId = account }, Ct))
            Assert.True(put.IsSuccessStatusCode);
        var username = SigninClient.NewUsername();
        var other = await ExistingUserAsync(username: username, password: Password);
        await Ui.StartInteractionAsync();
        var socialRecord = await Ui.VerifiedRecordAsync("social", connectorId, account);
        using (var password = await Ui.Browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "username", value = username }, password = Password }))
        using (var identified = await Ui.IdentifyAsync((await ReadJsonAsync(password)).GetProperty("verificationId").GetString()!))
            Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);

        await AssertProblemAsync(await Ui.IdentifyAsync(socialRecord, linkSocialIdentity: true), 422, "user.identity_already_in_use");
        Assert.Equal(other, SubjectOf(await Ui.SubmitAndRedeemAsync()));
        Assert.Empty((await ReadUserAsync(Stack, other)).GetProperty("identities").EnumerateObject());
    }

    [Fact]
    public async Task SignIn_WithAConnectorThatSyncsProfiles_CopiesTheIdpsNameAndAvatar()
    {
        var target = "oidc-" + Guid.NewGuid().ToString("N")[..8];
        var connectorId = (await Api.CreateAsync("/api/connectors", new
        {
            connectorId = "oidc", syncProfile = true, metadata = new { target },
            config = new { issuer = Idp.Issuer, clientId = SocialIdpFixture.ClientId, clientSecret = SocialIdpFixture.ClientSecret, scope = "openid email profile" },
        }))["id"]!.GetValue<string>();
        var account = Account();
        var existing = await ExistingUserAsync(username: SigninClient.NewUsername(), password: Password, name: "Old name");
        using (var put = await Api.Management.PutAsJsonAsync($"/api/users/{existing}/identities/{target}", new { userId = account }, Ct))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));
        await Ui.StartInteractionAsync();

        using (var signIn = await Ui.IdentifyAsync(await Ui.VerifiedRecordAsync("social", connectorId, account)))
            Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.Equal(existing, SubjectOf(await Ui.SubmitAndRedeemAsync()));

        var user = await ReadUserAsync(Stack, existing);
        Assert.Equal("User " + account, user.GetProperty("name").GetString());
        Assert.Equal($"https://idp.test/{account}.png", user.GetProperty("avatar").GetString());
        Assert.Equal(account + "@idp.test", user.GetProperty("identities").GetProperty(target).GetProperty("details").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Register_WithAnIdentityThatAlreadyHasAnAccount_Returns422IdentityAlreadyInUse()
    {
        var target = "oidc-" + Guid.NewGuid().ToString("N")[..8];
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp, target);
        var account = Account();
        var existing = await ExistingUserAsync(username: SigninClient.NewUsername());
        using (var put = await Api.Management.PutAsJsonAsync($"/api/users/{existing}/identities/{target}", new { userId = account }, Ct))
            Assert.True(put.IsSuccessStatusCode);
        await Ui.StartInteractionAsync("Register");

        await AssertProblemAsync(await Ui.IdentifyAsync(await Ui.VerifiedRecordAsync("social", connectorId, account)), 422, "user.identity_already_in_use");
    }

    [Fact]
    public async Task SsoSignIn_OfANewPerson_CreatesTheUserJustInTime_WithTheSsoIdentity_ThenSignsThemInAgain()
    {
        var connectorId = await ExternalExperience.SsoConnectorAsync(Api, Idp);
        var account = Account();
        await Ui.StartInteractionAsync();

        using (var jit = await Ui.IdentifyAsync(await Ui.VerifiedRecordAsync("sso", connectorId, account)))
            Assert.True(jit.StatusCode == HttpStatusCode.NoContent, await jit.Content.ReadAsStringAsync(Ct));
        // No profile completion for SSO users (Logto): straight to the code.
        var userId = SubjectOf(await Ui.SubmitAndRedeemAsync());

        var user = await ReadUserAsync(Stack, userId);
        Assert.Equal(account + "@idp.test", user.GetProperty("primaryEmail").GetString());
        var sso = Assert.Single(user.GetProperty("ssoIdentities").EnumerateArray());
        Assert.Equal(Idp.Issuer, sso.GetProperty("issuer").GetString());
        Assert.Equal(account, sso.GetProperty("identityId").GetString());
        Assert.Equal(connectorId, sso.GetProperty("ssoConnectorId").GetString());

        using var later = new ExternalExperience(Stack, Idp);
        await later.StartInteractionAsync();
        using (var signIn = await later.IdentifyAsync(await later.VerifiedRecordAsync("sso", connectorId, account)))
            Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.Equal(userId, SubjectOf(await later.SubmitAndRedeemAsync()));
    }

    [Fact]
    public async Task SsoSignIn_WhoseVerifiedEmailIsAnAccounts_LinksThatAccountWithoutAPrompt()
    {
        var connectorId = await ExternalExperience.SsoConnectorAsync(Api, Idp);
        var account = Account();
        var existing = await ExistingUserAsync(username: SigninClient.NewUsername(), primaryEmail: account + "@idp.test");
        await Ui.StartInteractionAsync();

        using (var linked = await Ui.IdentifyAsync(await Ui.VerifiedRecordAsync("sso", connectorId, account)))
            Assert.Equal(HttpStatusCode.NoContent, linked.StatusCode);
        Assert.Equal(existing, SubjectOf(await Ui.SubmitAndRedeemAsync()));
        Assert.Equal(account, Assert.Single((await ReadUserAsync(Stack, existing)).GetProperty("ssoIdentities").EnumerateArray())
            .GetProperty("identityId").GetString());
    }

    private const string Password = "correct horse battery staple";
}
