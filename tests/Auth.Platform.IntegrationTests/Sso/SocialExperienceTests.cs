using Auth.Platform.Testing;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// signin's social and enterprise SSO verifications (issue 12 pts 2, 5; Logto's
/// <c>/api/experience/verification/{social|sso}/{connectorId}/authorization-uri|verify</c>) through the gateway, against npm
/// oidc-provider as the social provider and as the enterprise OIDC IdP. Refusals keep Logto's codes, never a 500.
/// </summary>
public sealed class SocialExperienceTests(PlatformStackFixture fixture, SocialIdpFixture idp)
    : ExternalExperienceTestBase(fixture, idp), IClassFixture<SocialIdpFixture>
{
    [Fact]
    public async Task SocialAuthorizationUri_AnswersTheProvidersUrlWithPkceAndNonce_AndAVerificationId()
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();

        var (uri, verificationId) = await Ui.AuthorizationUriAsync("social", connectorId, state: "the-ui-state");

        Assert.StartsWith(Idp.Issuer + "/auth?", uri);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(uri).Query);
        Assert.Equal("the-ui-state", query["state"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.False(string.IsNullOrEmpty(query["nonce"].ToString()));
        using var interaction = await Ui.Browser.ExperienceAsync(HttpMethod.Get, "/interaction");
        var records = (await ExternalExperience.ReadAsync(interaction)).GetProperty("verificationRecords").EnumerateArray();
        Assert.Contains(records, r => r.GetProperty("id").GetString() == verificationId && r.GetProperty("type").GetString() == "Social");
    }

    [Theory]
    [InlineData("social")]
    [InlineData("sso")]
    public async Task Verify_AfterTheIdpLogin_AnswersTheVerificationId_AndAReplayedCallbackIsRefused(string method)
    {
        var connectorId = method == "social" ? await ExternalExperience.SocialConnectorAsync(Api, Idp) : await ExternalExperience.SsoConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();
        var (uri, verificationId) = await Ui.AuthorizationUriAsync(method, connectorId);
        var callback = await Ui.SignInAtIdpAsync(uri, "bob");

        using (var verified = await Ui.VerifyAsync(method, connectorId, verificationId, callback))
            Assert.True(verified.IsSuccessStatusCode, await verified.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        await AssertProblemAsync(await Ui.VerifyAsync(method, connectorId, verificationId, callback), 400, "session.connector_session_not_found");
    }

    [Fact]
    public async Task Verify_WithAForgedState_Returns400InvalidRequestParameters()
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();
        var (uri, verificationId) = await Ui.AuthorizationUriAsync("social", connectorId);
        var callback = await Ui.SignInAtIdpAsync(uri, "frank");
        callback["state"] = "an-attackers-state";

        await AssertProblemAsync(await Ui.VerifyAsync("social", connectorId, verificationId, callback), 400, "connector.invalid_request_parameters");
    }

    [Fact]
    public async Task SocialVerify_OfAnSsoConnector_Returns404InvalidConnectorId()
    {
        var ssoConnectorId = await ExternalExperience.SsoConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();
        var (uri, verificationId) = await Ui.AuthorizationUriAsync("social", ssoConnectorId);

        await AssertProblemAsync(await Ui.VerifyAsync("social", ssoConnectorId, verificationId, await Ui.SignInAtIdpAsync(uri, "gina")), 404,
            "session.invalid_connector_id");
    }

    [Fact]
    public async Task Verify_WithTheVerificationIdOfAnotherConnector_Returns400ConnectorIdMismatch()
    {
        var (connectorA, connectorB) = (await ExternalExperience.SocialConnectorAsync(Api, Idp), await ExternalExperience.SocialConnectorAsync(Api, Idp));
        await Ui.StartInteractionAsync();
        var (uri, verificationId) = await Ui.AuthorizationUriAsync("social", connectorA);

        await AssertProblemAsync(await Ui.VerifyAsync("social", connectorB, verificationId, await Ui.SignInAtIdpAsync(uri, "hal")), 400, "session.connector_id_mismatch");
    }

    [Fact]
    public async Task AuthorizationUri_ForAnUnknownConnector_Returns404InvalidConnectorId()
    {
        await Ui.StartInteractionAsync();
        await AssertProblemAsync(await Ui.Browser.ExperienceAsync(HttpMethod.Post, "/verification/social/nope123/authorization-uri",
            new { state = "s", redirectUri = SocialIdpFixture.RedirectUri }), 404, "session.invalid_connector_id");
    }

    [Fact]
    public async Task AuthorizationUri_WithoutInteraction_Returns400SessionNotFound()
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        await AssertProblemAsync(await Ui.Browser.ExperienceAsync(HttpMethod.Post, $"/verification/social/{connectorId}/authorization-uri",
            new { state = "s", redirectUri = SocialIdpFixture.RedirectUri }), 400, "session.not_found");
    }

    [Theory]
    [InlineData("""{"redirectUri":"http://127.0.0.1:5999/callback/social"}""")]
    [InlineData("""{"state":"s"}""")]
    [InlineData("""{"state":"s","redirectUri":"not-a-url"}""")]
    [InlineData("""{"state":"s","redirectUri":"javascript:alert(1)"}""")]
    [InlineData("""{"state":5,"redirectUri":"http://127.0.0.1:5999/callback/social"}""")]
    [InlineData("""{not json""")]
    public async Task AuthorizationUri_WithBadInput_Returns400GuardInvalidInput(string body)
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();
        await AssertProblemAsync(await PostRawAsync($"/api/experience/verification/social/{connectorId}/authorization-uri", body), 400, "guard.invalid_input");
    }

    [Theory]
    [InlineData("""{"connectorData":{"code":"c","state":"s"}}""")]
    [InlineData("""{"verificationId":"v","connectorData":"code=c"}""")]
    [InlineData("""{"verificationId":"v","connectorData":{"code":{"nested":true}}}""")]
    [InlineData("""{"verificationId":"v"}""")]
    public async Task Verify_WithBadInput_Returns400GuardInvalidInput(string body)
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();
        await AssertProblemAsync(await PostRawAsync($"/api/experience/verification/social/{connectorId}/verify", body), 400, "guard.invalid_input");
    }

    [Fact]
    public async Task Verify_WithAnUnknownVerificationId_Returns404VerificationSessionNotFound()
    {
        var connectorId = await ExternalExperience.SocialConnectorAsync(Api, Idp);
        await Ui.StartInteractionAsync();
        await AssertProblemAsync(await Ui.VerifyAsync("social", connectorId, "not-a-record", new { code = "c", state = "s" }), 404,
            "session.verification_session_not_found");
    }

    [Fact]
    public async Task SsoConnectorsByEmail_WithoutADomain_Returns400GuardInvalidInput() =>
        await AssertProblemAsync(await Ui.Browser.GetAsync("/api/experience/sso-connectors?email=no-domain"), 400, "guard.invalid_input");

    private async Task<HttpResponseMessage> PostRawAsync(string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        return await Ui.Browser.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
