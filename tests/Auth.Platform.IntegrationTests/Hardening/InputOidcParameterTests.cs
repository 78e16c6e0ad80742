using System.Net;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Hardening;

/// <summary>Issue 10 pt 5: a <c>%00</c> in any OIDC form or query field is OAuth's <c>400 invalid_request</c>, not a 500.</summary>
public sealed class InputOidcParameterTests(PlatformStackFixture fixture) : IDisposable
{
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("/oidc/token", "grant_type", "client_credentials", "client_id")]
    [InlineData("/oidc/token", "grant_type", "authorization_code", "code")]
    [InlineData("/oidc/token", "grant_type", "refresh_token", "refresh_token")]
    [InlineData("/oidc/token/introspection", "token_type_hint", "access_token", "token")]
    [InlineData("/oidc/token/revocation", "token_type_hint", "refresh_token", "token")]
    public async Task FormField_WithNul_Returns400InvalidRequest(string path, string name, string value, string hostileField)
    {
        var (clientId, clientSecret) = fixture.Stack.ManagementClient;
        var form = new Dictionary<string, string> { [name] = value, ["client_id"] = clientId, ["client_secret"] = clientSecret, [hostileField] = "abc\0def" };
        using var response = await _client.Http.PostAsync(path, new FormUrlEncodedContent(form), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("invalid_request", System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("/oidc/auth?client_id=demo%00&response_type=code&scope=openid&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback")]
    [InlineData("/oidc/auth?client_id=demo&response_type=code&scope=openid&state=%00&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback")]
    [InlineData("/oidc/session/end?post_logout_redirect_uri=http%3A%2F%2Flocalhost%2F%00")]
    [InlineData("/oidc/session/end?id_token_hint=%00")]
    public async Task QueryField_WithNul_Returns400InvalidRequest(string pathAndQuery)
    {
        using var response = await _client.GetAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("invalid_request", body);
    }

    [Fact]
    public async Task UserInfo_WithNulInTheAccessTokenParameter_Returns400InvalidRequest()
    {
        using var response = await _client.Http.PostAsync("/oidc/me", new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = "a\0b" }), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("invalid_request", body + response.Headers.WwwAuthenticate);
    }
}
