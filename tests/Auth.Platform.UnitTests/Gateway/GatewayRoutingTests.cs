using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Auth.Platform.Gateway;
using Auth.Platform.Gateway.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Auth.Platform.UnitTests.Gateway;

/// <summary>
/// Runs the gateway exactly as Program.cs composes it, on loopback Kestrel, in front of one echo backend per cluster
/// that names itself. No infrastructure: every process here is in-memory and on ephemeral ports.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    private readonly List<WebApplication> _apps = [];
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var cluster in GatewayRoutes.Clusters.Select(c => c.ClusterId))
        {
            var backend = CreateBuilder().Build();
            backend.Run(async context =>
            {
                // Read the whole body, as a service binding it would (the gateway's limit applies while it streams).
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                if (context.Request.Path == "/api/users/empty-404")
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                // A service that tried to answer CORS itself: the gateway must strip it where CORS is not granted.
                context.Response.Headers.AccessControlAllowOrigin = "*";
                await context.Response.WriteAsJsonAsync(new
                {
                    service = cluster,
                    path = context.Request.Path.Value,
                    forwardedHost = context.Request.Headers["X-Forwarded-Host"].ToString(),
                    forwardedProto = context.Request.Headers["X-Forwarded-Proto"].ToString(),
                });
            });
            await backend.StartAsync();
            _apps.Add(backend);
            settings[$"services:{cluster}:http:0"] = backend.Urls.First();
        }

        Configure(settings);
        var builder = CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddPlatformDefaults();
        builder.AddGateway();
        var gateway = builder.Build();
        gateway.UseGateway();
        gateway.MapDefaultEndpoints();
        gateway.MapGateway();
        await gateway.StartAsync();
        _apps.Add(gateway);
        Client = new HttpClient { BaseAddress = new Uri(gateway.Urls.First()) };
    }

    /// <summary>Gateway configuration a derived fixture adds (e.g. a low rate limit).</summary>
    protected virtual void Configure(IDictionary<string, string?> settings) { }

    private static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        foreach (var app in _apps) await app.DisposeAsync();
    }
}

public class GatewayRoutingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("/oidc/auth", "signin")]
    [InlineData("/oidc/token", "signin")]
    [InlineData("/oidc/.well-known/openid-configuration", "signin")]
    [InlineData("/oidc/session/end", "signin")]
    [InlineData("/api/experience", "signin")]
    [InlineData("/api/experience/verification/password", "signin")]
    [InlineData("/api/applications/app1", "signin")]
    [InlineData("/api/sign-in-exp", "signin")]
    [InlineData("/api/.well-known/sign-in-exp", "signin")]
    [InlineData("/api/interaction/consent", "signin")]
    [InlineData("/api/users/u1", "account")]
    [InlineData("/api/my-account", "account")]
    [InlineData("/api/my-account/sessionsx", "account")]
    [InlineData("/api/account-center", "account")]
    [InlineData("/api/.well-known/account-center", "account")]
    [InlineData("/api/my-account/sessions", "signin")]
    [InlineData("/api/my-account/organizations", "organization")]
    [InlineData("/api/organization-settings", "organization")]
    [InlineData("/api/my-account/sessions/s1", "signin")]
    [InlineData("/api/my-account/grants/g1", "signin")]
    [InlineData("/api/users/u1/sessions", "signin")]
    [InlineData("/api/users/u1/sessions/s1", "signin")]
    [InlineData("/api/users/u1/identities", "account")]
    [InlineData("/api/verifications/password", "account")]
    [InlineData("/api/users/u1/mfa-verifications", "mfa")]
    [InlineData("/api/users/u1/mfa-verifications/f1", "mfa")]
    [InlineData("/api/users/u1/logto-configs", "mfa")]
    [InlineData("/api/users/u1/logto-configsx", "account")]
    [InlineData("/api/applications/app1/backchannel-logout-deliveries", "notification")]
    [InlineData("/api/organizations/o1", "organization")]
    [InlineData("/api/organizations", "organization")]
    [InlineData("/api/organizations/o1/users/u1", "organization")]
    [InlineData("/api/users/u1/organizations", "organization")]
    [InlineData("/api/users/u1/organizationsx", "account")]
    [InlineData("/api/organization-roles", "organization")]
    [InlineData("/api/organization-roles/r1/scopes", "organization")]
    [InlineData("/api/organization-scopes/s1", "organization")]
    [InlineData("/api/organization-invitations/i1", "organization")]
    [InlineData("/api/connector-factories/oidc", "sso-connector")]
    [InlineData("/api/connectors", "sso-connector")]
    [InlineData("/api/connectors/c1/authorization-uri", "sso-connector")]
    [InlineData("/api/sso-connector-providers", "sso-connector")]
    [InlineData("/api/sso-connectors/c1/idp-initiated-auth-config", "sso-connector")]
    [InlineData("/api/authn/single-sign-on/saml/c1", "sso-connector")]
    [InlineData("/", "ui")]
    [InlineData("/sign-in", "ui")]
    [InlineData("/register", "ui")]
    [InlineData("/error", "ui")]
    [InlineData("/demo/callback", "ui")]
    [InlineData("/assets/app.js", "ui")]
    [InlineData("/oidcx", "ui")]
    public async Task Get_PublicPath_IsProxiedToItsService(string path, string service)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(service, echo.GetProperty("service").GetString());
        Assert.Equal(path, echo.GetProperty("path").GetString());
    }

    /// <summary>
    /// Only prefixes a service serves are forwarded: Logto paths that no service implements yet, and near misses of a
    /// served prefix, are the gateway's own 404 problem instead of a service's or the hosted UI's 404 page.
    /// </summary>
    [Theory]
    [InlineData("/api/organization-rolesx")]
    [InlineData("/api/connectorsx")]
    [InlineData("/api/authn/single-sign-onx/saml/c1")]
    [InlineData("/api/authn/saml/c1")]
    [InlineData("/api/usersettings")]
    [InlineData("/api/.well-known/other")]
    [InlineData("/api/interaction/other")]
    public async Task Get_ApiPathNoServiceServes_IsAnsweredByTheGatewayWith404Problem(string path)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("request.not_found", problem.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("GET", "/internal/users/u1")]
    [InlineData("POST", "/internal/users/verify-password")]
    [InlineData("GET", "/internal")]
    [InlineData("GET", "/INTERNAL/users")]
    [InlineData("GET", "//internal/users")]
    public async Task Request_ToInternalPath_IsAnsweredByTheGatewayWith404Problem(string method, string path)
    {
        // Absolute, or "//internal/x" would be read as a scheme-relative URL to host "internal".
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_client.BaseAddress!.GetLeftPart(UriPartial.Authority) + path));
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("request.not_found", problem.GetProperty("code").GetString());
        Assert.Equal("urn:auth-platform:error:request.not_found", problem.GetProperty("type").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Get_ThroughGateway_ForwardsThePublicHostAndIgnoresClientForwardedHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oidc/.well-known/openid-configuration");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(_client.BaseAddress!.Authority, echo.GetProperty("forwardedHost").GetString());
        Assert.Equal("http", echo.GetProperty("forwardedProto").GetString());
    }

    [Theory]
    [InlineData("/sign-in")]
    [InlineData("/oidc/auth")]
    [InlineData("/internal/x")]
    public async Task Get_AnyPath_CarriesAntiFramingAndReferrerHeaders(string path)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy"));
    }

    [Theory]
    [InlineData("/oidc/token")]
    [InlineData("/oidc/token/revocation")]
    [InlineData("/oidc/token/introspection")]
    [InlineData("/oidc/jwks")]
    [InlineData("/oidc/me")]
    [InlineData("/oidc/.well-known/openid-configuration")]
    public async Task Preflight_ToPublicOidcEndpoint_IsAllowedForAnyOriginWithoutCredentials(string path)
    {
        using var response = await _client.SendAsync(Preflight(path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("/oidc/auth")]
    [InlineData("/api/experience")]
    [InlineData("/sign-in")]
    public async Task Preflight_ToAuthorizationEndpointOrUi_GrantsNoCors(string path)
    {
        using var response = await _client.SendAsync(Preflight(path), TestContext.Current.CancellationToken);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Get_AuthorizationEndpointWithOrigin_StripsAServicesOwnCorsHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oidc/auth");
        request.Headers.Add("Origin", "https://app.example");
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Request_ServiceAnswersEmpty404_PassesThroughUnchanged(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/users/empty-404");
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Get_Health_IsAnsweredByTheGatewayItself()
    {
        using var response = await _client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static HttpRequestMessage Preflight(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "https://app.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }
}
