using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// A browser on the gateway in one interaction (started by <c>/oidc/auth</c>) doing social or SSO verification through
/// signin's Experience API, and the user's browser at the npm oidc-provider IdP.
/// </summary>
public sealed class ExternalExperience(PlatformStack stack, SocialIdpFixture idp) : IDisposable
{
    private const string Callback = "http://localhost:3000/callback";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public SigninClient Browser { get; } = new(stack.GatewayUrl, stack.ManagementClient);

    public void Dispose() => Browser.Dispose();

    public Task StartInteractionAsync(string @event = "SignIn") => StartInteractionAsync(@event, "openid profile offline_access");

    /// <summary>An <c>/oidc/auth</c> request of a new SPA (its id and PKCE verifier kept for <see cref="SubmitAndRedeemAsync"/>), then the event.</summary>
    public async Task StartInteractionAsync(string @event, string scope)
    {
        var app = await Browser.CreateApplicationAsync("SPA", Callback);
        ClientId = app.GetProperty("id").GetString()!;
        (_verifier, var challenge) = SigninClient.NewPkce();
        using (await Browser.GetAsync(SigninClient.AuthorizePath(ClientId, Callback, challenge, scope))) { }
        using var put = await Browser.ExperienceAsync(HttpMethod.Put, "", new { interactionEvent = @event });
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
    }

    public string ClientId { get; private set; } = "";
    private string _verifier = "";

    /// <summary>Submit → the resumed <c>/oidc/auth</c> → the code redeemed at <c>/oidc/token</c>: the tokens.</summary>
    public async Task<JsonElement> SubmitAndRedeemAsync()
    {
        var code = await Browser.SubmitAndFollowAsync(Callback);
        return await Browser.RedeemAsync(ClientId, code, Callback, _verifier);
    }

    public Task<HttpResponseMessage> IdentifyAsync(string verificationId, bool linkSocialIdentity) =>
        Browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId, linkSocialIdentity });

    /// <summary><c>POST /api/experience/verification/{method}/{connectorId}/authorization-uri</c>; asserts 200.</summary>
    public async Task<(string AuthorizationUri, string VerificationId)> AuthorizationUriAsync(string method, string connectorId, string state = "ui-state")
    {
        using var response = await Browser.ExperienceAsync(HttpMethod.Post, $"/verification/{method}/{connectorId}/authorization-uri",
            new { state, redirectUri = SocialIdpFixture.RedirectUri });
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var json = JsonNode.Parse(body)!;
        return (json["authorizationUri"]!.GetValue<string>(), json["verificationId"]!.GetValue<string>());
    }

    public Task<HttpResponseMessage> VerifyAsync(string method, string connectorId, string? verificationId, object connectorData) =>
        Browser.ExperienceAsync(HttpMethod.Post, $"/verification/{method}/{connectorId}/verify", new { connectorData, verificationId });

    public Task<HttpResponseMessage> IdentifyAsync(string verificationId) =>
        Browser.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId });

    /// <summary>Authorization URI → IdP login as <paramref name="account"/> → the callback's query (what the hosted UI's <c>/callback/{id}</c> posts).</summary>
    public async Task<Dictionary<string, string>> SignInAtIdpAsync(string authorizationUri, string account)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new() }) { BaseAddress = new Uri(idp.Issuer) };
        var location = new Uri(authorizationUri);
        for (var hop = 0; hop < 5; hop++)
        {
            using var response = await browser.GetAsync(location, Ct);
            Assert.True((int)response.StatusCode is 302 or 303, $"{location}: {(int)response.StatusCode}");
            location = new Uri(new Uri(idp.Issuer), response.Headers.Location!);
            if (location.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal)) location = new Uri(location + "?as=" + account);
            if (location.ToString().StartsWith(SocialIdpFixture.RedirectUri, StringComparison.Ordinal))
                return QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        }
        throw new InvalidOperationException("The IdP never redirected back.");
    }

    /// <summary>The whole verification: start, IdP login, verify; returns the verified record's id.</summary>
    public async Task<string> VerifiedRecordAsync(string method, string connectorId, string account)
    {
        var (uri, verificationId) = await AuthorizationUriAsync(method, connectorId);
        using var verify = await VerifyAsync(method, connectorId, verificationId, await SignInAtIdpAsync(uri, account));
        var body = await verify.Content.ReadAsStringAsync(Ct);
        Assert.True(verify.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(verificationId, JsonNode.Parse(body)!["verificationId"]!.GetValue<string>());
        return verificationId;
    }

    public static async Task<string> SocialConnectorAsync(SsoApi api, SocialIdpFixture idp, string? target = null) =>
        (await api.CreateAsync("/api/connectors", new
        {
            connectorId = "oidc",
            config = new { issuer = idp.Issuer, clientId = SocialIdpFixture.ClientId, clientSecret = SocialIdpFixture.ClientSecret, scope = "openid email profile" },
            metadata = new { target = target ?? "oidc-" + Guid.NewGuid().ToString("N")[..8] },
        }))["id"]!.GetValue<string>();

    public static async Task<string> SsoConnectorAsync(SsoApi api, SocialIdpFixture idp, params string[] domains) =>
        (await api.CreateAsync("/api/sso-connectors", new
        {
            providerName = "OIDC", connectorName = "corp " + Guid.NewGuid().ToString("N")[..8], domains,
            config = new { issuer = idp.Issuer, clientId = SocialIdpFixture.ClientId, clientSecret = SocialIdpFixture.ClientSecret },
        }))["id"]!.GetValue<string>();

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
}
