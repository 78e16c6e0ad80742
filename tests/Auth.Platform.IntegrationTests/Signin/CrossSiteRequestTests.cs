using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Signin;

/// <summary>
/// Issue 10 pt 8: cookie-bound state changes (Experience API, consent, sign-out confirmation) refuse a request that a
/// browser says comes from another site (<c>Origin</c>, <c>Sec-Fetch-Site</c>), with 403 <c>request.cross_origin</c>.
/// </summary>
public sealed class CrossSiteRequestTests(PlatformStackFixture fixture) : IDisposable
{
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("POST", "/api/experience/submit", "Origin", "https://evil.example")]
    [InlineData("PUT", "/api/experience", "Origin", "https://evil.example")]
    [InlineData("POST", "/api/experience/verification/password", "Origin", "null")]
    [InlineData("POST", "/api/experience/verification/totp/verify", "Sec-Fetch-Site", "cross-site")]
    [InlineData("POST", "/api/experience/submit", "Sec-Fetch-Site", "same-site")]
    [InlineData("POST", "/api/interaction/consent", "Origin", "https://evil.example")]
    [InlineData("DELETE", "/api/interaction/consent", "Sec-Fetch-Site", "cross-site")]
    [InlineData("POST", "/oidc/session/end", "Origin", "https://evil.example")]
    public async Task CookieBoundChange_FromAnotherSite_Returns403CrossOrigin(string method, string path, string header, string value)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = path == "/oidc/session/end"
                ? new FormUrlEncodedContent([new("logout", "true")])
                : JsonContent.Create(new { interactionEvent = "SignIn" }),
        };
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await _client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("request.cross_origin", problem.GetProperty("code").GetString());
        Assert.Equal("urn:auth-platform:error:request.cross_origin", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task CrossSiteSubmit_OfALiveInteraction_IsRefused_AndTheSameOriginSubmitThenSucceeds()
    {
        var clientId = (await _client.CreateApplicationAsync("SPA", "http://localhost:3000/callback")).GetProperty("id").GetString()!;
        // A browser on the platform's own pages sends its origin with every change.
        _client.Http.DefaultRequestHeaders.Add("Origin", _client.PublicUrl);
        _client.Http.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-origin");
        using (var start = await _client.GetAsync(SigninClient.AuthorizePath(clientId, "http://localhost:3000/callback", SigninClient.NewPkce().Challenge,
                   extra: "&first_screen=register")))
            Assert.Equal(_client.PublicUrl + "/register", start.Headers.Location?.ToString());
        using var verification = await _client.ExperienceAsync(HttpMethod.Post, "/verification/new-password-identity",
            new { identifier = new { type = "username", value = SigninClient.NewUsername() }, password = "correct horse battery" });
        var verificationId = (await verification.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verificationId").GetString();
        using (var identification = await _client.ExperienceAsync(HttpMethod.Post, "/identification", new { verificationId }))
            Assert.Equal(HttpStatusCode.Created, identification.StatusCode);

        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/experience/submit"))
        {
            crossSite.Headers.Add("Origin", "https://evil.example");
            crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var refused = await _client.Http.SendAsync(crossSite, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        // The refused request changed nothing: the user's own submit completes the flow.
        Assert.NotEmpty(await _client.SubmitAndFollowAsync("http://localhost:3000/callback"));
    }
}
