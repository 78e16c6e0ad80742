using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Gateway;

/// <summary>
/// The gateway in the whole stack (AppHost graph via <see cref="PlatformStack"/>): the public origin's own answers,
/// its headers on real UI and OIDC responses, and CORS on real signin endpoints. Relies on the assembly-level
/// <c>[assembly: AssemblyFixture(typeof(PlatformStackFixture))]</c> declared once for the project.
/// </summary>
public sealed class GatewayTests(PlatformStackFixture fixture) : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Stack.GatewayUrl };

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("GET", "/internal/users/lookup?type=username&value=alice")]
    [InlineData("POST", "/internal/users/verify-password")]
    public async Task Request_ToInternalPath_Returns404ProblemFromTheGateway(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("request.not_found", problem.GetProperty("code").GetString());
        Assert.Equal("urn:auth-platform:error:request.not_found", problem.GetProperty("type").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Get_Health_Returns200()
    {
        using var response = await _client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/sign-in")]
    [InlineData("/register")]
    [InlineData("/error")]
    [InlineData("/demo/")]
    public async Task Get_UiPage_ServesTheHostedUiWithAntiFramingHeaders(string path)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        AssertSecurityHeaders(response);
        var csp = string.Join(", ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("<main id=\"main\"", html);
    }

    [Fact]
    public async Task Get_SignIn_LoadsOnlySameOriginModules()
    {
        var html = await _client.GetStringAsync("/sign-in", TestContext.Current.CancellationToken);
        Assert.Contains("<script type=\"module\" src=\"/assets/app.js\"></script>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);

        using var script = await _client.GetAsync("/assets/app.js", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_AuthorizationEndpoint_CarriesAntiFramingHeaders()
    {
        using var response = await _client.GetAsync(
            "/oidc/auth?client_id=demo-spa&response_type=code&scope=openid&redirect_uri=" +
            Uri.EscapeDataString(new Uri(fixture.Stack.GatewayUrl, "/demo/callback").ToString()) +
            "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s&nonce=n",
            TestContext.Current.CancellationToken);

        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/oidc/token")]
    [InlineData("/oidc/jwks")]
    [InlineData("/oidc/.well-known/openid-configuration")]
    [InlineData("/oidc/me")]
    [InlineData("/oidc/token/revocation")]
    [InlineData("/oidc/token/introspection")]
    public async Task Preflight_ToPublicOidcEndpoint_IsAllowedWithoutCredentials(string path)
    {
        using var response = await _client.SendAsync(Preflight(path, "POST"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Preflight_ToAuthorizationEndpoint_GrantsNoCors()
    {
        using var response = await _client.SendAsync(Preflight("/oidc/auth", "GET"), TestContext.Current.CancellationToken);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Get_Discovery_AdvertisesTheGatewayUrlAsIssuer()
    {
        var discovery = await _client.GetFromJsonAsync<JsonElement>("/oidc/.well-known/openid-configuration", TestContext.Current.CancellationToken);

        Assert.Equal(new Uri(fixture.Stack.GatewayUrl, "/oidc").ToString().TrimEnd('/'), discovery.GetProperty("issuer").GetString());
    }

    private static HttpRequestMessage Preflight(string path, string method)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "https://spa.example");
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains(response.Headers.GetValues("Content-Security-Policy"), v => v.Contains("frame-ancestors 'none'"));
    }
}
