using System.Net;
using Auth.Platform.Gateway.Routing;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Gateway;

/// <summary>
/// The gateway forwards only what a service serves (issue 11 pt 5): every route in <see cref="GatewayRoutes"/> has a
/// probe here that reaches a mapped endpoint of the real service through the gateway, answered with anything but 404
/// (an anonymous probe of a protected endpoint gets 401, a wrong method 405). A prefix added to the table without an
/// endpoint behind it fails here, first for want of a probe.
/// </summary>
public sealed class GatewayPrefixTests(PlatformStackFixture fixture) : IDisposable
{
    private static readonly Dictionary<string, (string Method, string Path)> Probes = new()
    {
        ["/oidc"] = ("GET", "/oidc/.well-known/openid-configuration"),
        ["/api/experience"] = ("GET", "/api/experience"),
        ["/api/applications"] = ("GET", "/api/applications"),
        ["/api/sign-in-exp"] = ("GET", "/api/sign-in-exp"),
        ["/api/.well-known/sign-in-exp"] = ("GET", "/api/.well-known/sign-in-exp"),
        ["/api/interaction/consent"] = ("GET", "/api/interaction/consent"),
        ["/api/users"] = ("GET", "/api/users"),
        ["/api/my-account"] = ("GET", "/api/my-account"),
        ["/api/account-center"] = ("GET", "/api/account-center"),
        ["/api/.well-known/account-center"] = ("GET", "/api/.well-known/account-center"),
        ["/api/verifications"] = ("POST", "/api/verifications/password"),
        ["/api/organizations"] = ("GET", "/api/organizations"),
        ["/api/organization-scopes"] = ("GET", "/api/organization-scopes"),
        ["/api/organization-roles"] = ("GET", "/api/organization-roles"),
        ["/api/organization-invitations"] = ("GET", "/api/organization-invitations"),
        ["/api/connector-factories"] = ("GET", "/api/connector-factories"),
        ["/api/connectors"] = ("GET", "/api/connectors"),
        ["/api/sso-connector-providers"] = ("GET", "/api/sso-connector-providers"),
        ["/api/sso-connectors"] = ("GET", "/api/sso-connectors"),
        ["/api/authn/single-sign-on"] = ("POST", "/api/authn/single-sign-on/saml/c1"),
        ["/api/my-account/sessions"] = ("GET", "/api/my-account/sessions"),
        ["/api/my-account/sessions/{**rest}"] = ("DELETE", "/api/my-account/sessions/s1"),
        ["/api/my-account/grants"] = ("GET", "/api/my-account/grants"),
        ["/api/my-account/grants/{**rest}"] = ("DELETE", "/api/my-account/grants/g1"),
        ["/api/users/{userId}/sessions"] = ("GET", "/api/users/u1/sessions"),
        ["/api/users/{userId}/sessions/{**rest}"] = ("DELETE", "/api/users/u1/sessions/s1"),
        ["/api/users/{userId}/mfa-verifications"] = ("GET", "/api/users/u1/mfa-verifications"),
        ["/api/users/{userId}/mfa-verifications/{**rest}"] = ("DELETE", "/api/users/u1/mfa-verifications/f1"),
        ["/api/users/{userId}/logto-configs"] = ("GET", "/api/users/u1/logto-configs"),
        ["/api/applications/{applicationId}/backchannel-logout-deliveries"] = ("GET", "/api/applications/a1/backchannel-logout-deliveries"),
        ["/api/users/{userId}/organizations"] = ("GET", "/api/users/u1/organizations"),
        ["/api/organization-settings"] = ("GET", "/api/organization-settings"),
        ["/api/my-account/organizations"] = ("GET", "/api/my-account/organizations"),
    };

    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Stack.GatewayUrl };

    public void Dispose() => _client.Dispose();

    public static TheoryData<string> ServiceRoutes =>
        [.. GatewayRoutes.Prefixes.Values.SelectMany(p => p).Concat(GatewayRoutes.Exceptions.Select(e => e.Path))];

    [Theory]
    [MemberData(nameof(ServiceRoutes))]
    public async Task RoutedPath_ReachesAnEndpointOfItsService(string route)
    {
        Assert.True(Probes.TryGetValue(route, out var probe), $"No probe for the gateway route {route}: does a service serve it?");
        using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Path);
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True((int)response.StatusCode < 500, $"{probe.Method} {probe.Path}: {(int)response.StatusCode}");
    }
}
