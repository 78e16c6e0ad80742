using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// SP-initiated SSO's email-domain routing and the public connector lists (issue 12 pts 2, 5): they depend on the global
/// <c>singleSignOnEnabled</c> and <c>socialSignInConnectorTargets</c>, so they run alone with the other tests that change
/// the sign-in experience, and put both back.
/// </summary>
[Collection(nameof(SignInExperienceTests))]
public sealed class SsoDomainExperienceTests(PlatformStackFixture fixture, SocialIdpFixture idp) : IAsyncLifetime, IClassFixture<SocialIdpFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private SsoApi _api = null!;
    private ExternalExperience _ui = null!;
    private readonly List<string> _ssoConnectors = [];

    public async ValueTask InitializeAsync()
    {
        _api = await SsoApi.CreateAsync(fixture.Stack);
        _ui = new ExternalExperience(fixture.Stack, idp);
    }

    public async ValueTask DisposeAsync()
    {
        await PatchAsync(new
        {
            singleSignOnEnabled = false, socialSignInConnectorTargets = Array.Empty<string>(),
            signIn = new { methods = new[] { new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true } } },
        });
        // Domains are unique across connectors: give back the ones these tests claimed (idp.test is the IdP's mail domain).
        foreach (var id in _ssoConnectors) using (await _api.Management.DeleteAsync($"/api/sso-connectors/{id}", Ct)) { }
        _ui.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task SsoConnectorsByEmail_AnswersTheDomainsConnectors_OnlyWhileSingleSignOnIsEnabled()
    {
        var domain = Domain();
        var connectorId = await SsoConnectorAsync(domain);

        await PatchAsync(new { singleSignOnEnabled = false });
        Assert.Empty(await ConnectorIdsAsync("ann@" + domain));

        await PatchAsync(new { singleSignOnEnabled = true });
        Assert.Equal([connectorId], await ConnectorIdsAsync("Ann@" + domain.ToUpperInvariant()));
        Assert.Empty(await ConnectorIdsAsync("ann@elsewhere-" + domain));
    }

    [Fact]
    public async Task PasswordIdentification_ForAnSsoDomainsEmail_Returns422SessionSsoEnabled_AndPassesOnceSsoIsOff()
    {
        var domain = Domain();
        await SsoConnectorAsync(domain);
        var email = UniqueName("pat") + "@" + domain;
        using var management = await ManagementClientAsync(fixture.Stack);
        await CreateUserAsync(management, new { primaryEmail = email, password = "correct horse battery staple" });
        await PatchAsync(new
        {
            singleSignOnEnabled = true,
            signIn = new
            {
                methods = new[]
                {
                    new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true },
                    new { identifier = "email", password = true, verificationCode = false, isPasswordPrimary = true },
                },
            },
        });

        await _ui.StartInteractionAsync();
        var verificationId = await PasswordRecordAsync(email);
        using var refused = await _ui.IdentifyAsync(verificationId);
        await AssertProblemAsync(refused, 422, "session.sso_enabled");

        await PatchAsync(new { singleSignOnEnabled = false });
        using var identified = await _ui.IdentifyAsync(verificationId);
        Assert.Equal(HttpStatusCode.NoContent, identified.StatusCode);
    }

    [Fact]
    public async Task SocialIdentification_WhoseProviderEmailIsInAnSsoDomain_Returns422SessionSsoEnabled()
    {
        // oidc-provider's accounts have <id>@idp.test addresses: an enterprise claims idp.test.
        var ssoConnectorId = await SsoConnectorAsync("idp.test");
        var socialConnectorId = await ExternalExperience.SocialConnectorAsync(_api, idp);
        await PatchAsync(new { singleSignOnEnabled = true });
        await _ui.StartInteractionAsync();
        var verificationId = await _ui.VerifiedRecordAsync("social", socialConnectorId, "kim");

        using var refused = await _ui.IdentifyAsync(verificationId);

        var problem = await ExternalExperience.ReadAsync(refused);
        Assert.Equal(422, (int)refused.StatusCode);
        Assert.Equal("session.sso_enabled", problem.GetProperty("code").GetString());
        Assert.Equal([ssoConnectorId], problem.GetProperty("data").GetProperty("ssoConnectors").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task PublicSignInExperience_ListsTheTargetedSocialConnectors_AndSsoConnectorsWhileEnabled()
    {
        var (targetA, targetB, unlisted) = (Target(), Target(), Target());
        var connectorA = await ExternalExperience.SocialConnectorAsync(_api, idp, targetA);
        var connectorB = await ExternalExperience.SocialConnectorAsync(_api, idp, targetB);
        await ExternalExperience.SocialConnectorAsync(_api, idp, unlisted);
        var ssoConnectorId = await SsoConnectorAsync(Domain());
        await PatchAsync(new { singleSignOnEnabled = true, socialSignInConnectorTargets = new[] { targetB, targetA } });

        // sso-connector's lists are cached for a few seconds: wait for the new connectors to show.
        var page = await Account.Eventually.ReturnsAsync(async () =>
        {
            var body = await _ui.Browser.Http.GetFromJsonAsync<JsonElement>("/api/.well-known/sign-in-exp", Ct);
            return body.GetProperty("ssoConnectors").EnumerateArray().Any(c => c.GetProperty("id").GetString() == ssoConnectorId)
                && body.GetProperty("socialConnectors").GetArrayLength() == 2 ? (object)body : null;
        }, TimeSpan.FromSeconds(30), "the new connectors in the public sign-in experience");
        var json = (JsonElement)page;

        var social = json.GetProperty("socialConnectors").EnumerateArray().ToList();
        Assert.Equal([connectorB, connectorA], social.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal([targetB, targetA], social.Select(c => c.GetProperty("target").GetString()));
        Assert.All(social, c =>
        {
            Assert.Equal("Universal", c.GetProperty("platform").GetString());
            Assert.False(string.IsNullOrEmpty(c.GetProperty("logo").GetString()));
            Assert.False(string.IsNullOrEmpty(c.GetProperty("name").GetProperty("en").GetString()));
            Assert.False(c.TryGetProperty("config", out _));
        });
        var sso = json.GetProperty("ssoConnectors").EnumerateArray().Single(c => c.GetProperty("id").GetString() == ssoConnectorId);
        Assert.StartsWith("corp ", sso.GetProperty("connectorName").GetString());
        Assert.False(string.IsNullOrEmpty(sso.GetProperty("logo").GetString()));

        await PatchAsync(new { singleSignOnEnabled = false });
        var off = await _ui.Browser.Http.GetFromJsonAsync<JsonElement>("/api/.well-known/sign-in-exp", Ct);
        Assert.Equal(0, off.GetProperty("ssoConnectors").GetArrayLength());
    }

    [Fact]
    public async Task SsoConnectorDown_VerificationAnswers503ServiceUnavailable_AndThePublicPageStillLoads()
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(_api, idp);
        await _ui.StartInteractionAsync();
        await fixture.Stack.StopResourceAsync("sso-connector");
        try
        {
            await AssertProblemAsync(await _ui.Browser.ExperienceAsync(HttpMethod.Post, $"/verification/social/{connectorId}/authorization-uri",
                new { state = "s", redirectUri = SocialIdpFixture.RedirectUri }), 503, "service.unavailable");
            using var page = await _ui.Browser.GetAsync("/api/.well-known/sign-in-exp");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        finally
        {
            await fixture.Stack.StartResourceAsync("sso-connector");
        }
        // Back: the same step works again.
        var (uri, _) = await _ui.AuthorizationUriAsync("social", connectorId);
        Assert.StartsWith(idp.Issuer, uri);
    }

    private async Task<string> PasswordRecordAsync(string email)
    {
        using var response = await _ui.Browser.ExperienceAsync(HttpMethod.Post, "/verification/password",
            new { identifier = new { type = "email", value = email }, password = "correct horse battery staple" });
        var body = await ExternalExperience.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("verificationId").GetString()!;
    }

    private async Task<string[]> ConnectorIdsAsync(string email)
    {
        var body = await _ui.Browser.Http.GetFromJsonAsync<JsonElement>("/api/experience/sso-connectors?email=" + Uri.EscapeDataString(email), Ct);
        return [.. body.GetProperty("connectorIds").EnumerateArray().Select(e => e.GetString()!)];
    }

    private async Task<string> SsoConnectorAsync(string domain)
    {
        var id = await ExternalExperience.SsoConnectorAsync(_api, idp, domain);
        _ssoConnectors.Add(id);
        return id;
    }

    private async Task PatchAsync(object patch)
    {
        using var response = await _api.Management.PatchAsJsonAsync("/api/sign-in-exp", patch, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    private static string Domain() => "corp-" + Guid.NewGuid().ToString("N")[..8] + ".example";
    private static string Target() => "t-" + Guid.NewGuid().ToString("N")[..8];
}
