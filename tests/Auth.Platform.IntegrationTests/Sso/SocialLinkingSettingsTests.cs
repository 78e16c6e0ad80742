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
public sealed class SocialLinkingSettingsTests(PlatformStackFixture fixture, SocialIdpFixture idp) : IAsyncLifetime, IClassFixture<SocialIdpFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private SsoApi _api = null!;
    private ExternalExperience _ui = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await SsoApi.CreateAsync(fixture.Stack);
        _ui = new ExternalExperience(fixture.Stack, idp);
    }

    public async ValueTask DisposeAsync()
    {
        await PatchAsync(new { signInMode = "SignInAndRegister", socialSignIn = new { automaticAccountLinking = false, skipRequiredIdentifiers = false } });
        _ui.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task AutomaticAccountLinking_LinksTheRelatedAccountWithoutBeingAsked()
    {
        await PatchAsync(new { socialSignIn = new { automaticAccountLinking = true } });
        var target = "oidc-" + Guid.NewGuid().ToString("N")[..8];
        var connectorId = await ExternalExperience.SocialConnectorAsync(_api, idp, target);
        var account = Account();
        var existing = await ExistingUserAsync(account + "@idp.test");
        await _ui.StartInteractionAsync();

        using (var linked = await _ui.IdentifyAsync(await _ui.VerifiedRecordAsync("social", connectorId, account)))
            Assert.True(linked.StatusCode == HttpStatusCode.NoContent, await linked.Content.ReadAsStringAsync(Ct));
        Assert.Equal(existing, SubjectOf(await _ui.SubmitAndRedeemAsync()));
        Assert.Equal(account, (await ReadUserAsync(fixture.Stack, existing)).GetProperty("identities").GetProperty(target).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task SignInOnlyMode_StillLinksARelatedAccount_ButRefusesRegistration()
    {
        await PatchAsync(new { signInMode = "SignIn" });
        var connectorId = await ExternalExperience.SocialConnectorAsync(_api, idp);
        var account = Account();
        var existing = await ExistingUserAsync(account + "@idp.test");
        await _ui.StartInteractionAsync();
        var verificationId = await _ui.VerifiedRecordAsync("social", connectorId, account);

        using (var linked = await _ui.IdentifyAsync(verificationId, linkSocialIdentity: true))
            Assert.True(linked.StatusCode == HttpStatusCode.NoContent, await linked.Content.ReadAsStringAsync(Ct));
        Assert.Equal(existing, SubjectOf(await _ui.SubmitAndRedeemAsync()));

        // A stranger has nowhere to go: no related account, and Register is Logto's 403.
        using var stranger = new ExternalExperience(fixture.Stack, idp);
        await stranger.StartInteractionAsync();
        await AssertProblemAsync(await stranger.IdentifyAsync(await stranger.VerifiedRecordAsync("social", connectorId, Account())), 404, "user.identity_not_exist");
        await AssertProblemAsync(await stranger.Browser.ExperienceAsync(HttpMethod.Put, "/interaction-event", new { interactionEvent = "Register" }), 403, "auth.forbidden");
    }

    [Fact]
    public async Task SsoSignIn_InSignInOnlyMode_StillCreatesTheUserJustInTime()
    {
        await PatchAsync(new { signInMode = "SignIn" });
        var connectorId = await ExternalExperience.SsoConnectorAsync(_api, idp);
        await _ui.StartInteractionAsync();

        using (var jit = await _ui.IdentifyAsync(await _ui.VerifiedRecordAsync("sso", connectorId, Account())))
            Assert.True(jit.StatusCode == HttpStatusCode.NoContent, await jit.Content.ReadAsStringAsync(Ct));
        var userId = SubjectOf(await _ui.SubmitAndRedeemAsync());
        Assert.Single((await ReadUserAsync(fixture.Stack, userId)).GetProperty("ssoIdentities").EnumerateArray());
    }

    private static string Account() => "acct" + Guid.NewGuid().ToString("N")[..12];

    private static string SubjectOf(JsonElement tokens) => SigninClient.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;

    private async Task<string> ExistingUserAsync(string primaryEmail) =>
        (await CreateUserAsync(_api.Management, new { username = SigninClient.NewUsername(), primaryEmail })).GetProperty("id").GetString()!;

    private async Task PatchAsync(object patch)
    {
        using var response = await _api.Management.PatchAsJsonAsync("/api/sign-in-exp", patch, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }
}
