using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// Social and SSO identification under the global settings (issue 12 pts 3, 7): <c>socialSignIn.automaticAccountLinking</c>
/// and the sign-in-only mode. They change the one sign-in experience, so they run alone with the other tests that do,
/// and put the defaults back.
/// </summary>
[Collection(nameof(SignInExperienceTests))]
public sealed class SocialLinkingSettingsTests(PlatformStackFixture fixture, SocialIdpFixture idp)
    : ExternalExperienceTestBase(fixture, idp), IClassFixture<SocialIdpFixture>
{
    public override async ValueTask DisposeAsync()
    {
        await PatchSignInExperienceAsync(new { signInMode = "SignInAndRegister", socialSignIn = new { automaticAccountLinking = false, skipRequiredIdentifiers = false } });
        await base.DisposeAsync();
    }

    [Fact]
    public async Task AutomaticAccountLinking_LinksTheRelatedAccountWithoutBeingAsked()
    {
        await PatchSignInExperienceAsync(new { socialSignIn = new { automaticAccountLinking = true } });
        var target = "oidc-" + Guid.NewGuid().ToString("N")[..8];
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp, target);
        var account = Account();
        var existing = await ExistingUserAsync(primaryEmail: account + "@idp.test");
        await Ui.StartInteractionAsync();

        using (var linked = await Ui.IdentifyAsync(await Ui.VerifiedRecordAsync("social", connectorId, account)))
            Assert.True(linked.StatusCode == HttpStatusCode.NoContent, await linked.Content.ReadAsStringAsync(Ct));
        Assert.Equal(existing, SubjectOf(await Ui.SubmitAndRedeemAsync()));
        Assert.Equal(account, (await ReadUserAsync(Stack, existing)).GetProperty("identities").GetProperty(target).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task SignInOnlyMode_StillLinksARelatedAccount_ButRefusesRegistration()
    {
        await PatchSignInExperienceAsync(new { signInMode = "SignIn" });
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        var account = Account();
        var existing = await ExistingUserAsync(primaryEmail: account + "@idp.test");
        await Ui.StartInteractionAsync();
        var verificationId = await Ui.VerifiedRecordAsync("social", connectorId, account);

        using (var linked = await Ui.IdentifyAsync(verificationId, linkSocialIdentity: true))
            Assert.True(linked.StatusCode == HttpStatusCode.NoContent, await linked.Content.ReadAsStringAsync(Ct));
        Assert.Equal(existing, SubjectOf(await Ui.SubmitAndRedeemAsync()));

        // A stranger has nowhere to go: no related account, and Register is Logto's 403.
        using var stranger = new ExternalExperience(Stack, Idp);
        await stranger.StartInteractionAsync();
        await AssertProblemAsync(await stranger.IdentifyAsync(await stranger.VerifiedRecordAsync("social", connectorId, Account())), 404, "user.identity_not_exist");
        await AssertProblemAsync(await stranger.Browser.ExperienceAsync(HttpMethod.Put, "/interaction-event", new { interactionEvent = "Register" }), 403, "auth.forbidden");
    }

    [Fact]
    public async Task SsoSignIn_InSignInOnlyMode_StillCreatesTheUserJustInTime()
    {
        await PatchSignInExperienceAsync(new { signInMode = "SignIn" });
        var connectorId = await ExternalExperience.SsoConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();

        using (var jit = await Ui.IdentifyAsync(await Ui.VerifiedRecordAsync("sso", connectorId, Account())))
            Assert.True(jit.StatusCode == HttpStatusCode.NoContent, await jit.Content.ReadAsStringAsync(Ct));
        var userId = SubjectOf(await Ui.SubmitAndRedeemAsync());
        Assert.Single((await ReadUserAsync(Stack, userId)).GetProperty("ssoIdentities").EnumerateArray());
    }
}
