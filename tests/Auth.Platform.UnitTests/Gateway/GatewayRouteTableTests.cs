using Auth.Platform.Gateway;
using Auth.Platform.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Auth.Platform.UnitTests.Gateway;

public class GatewayRouteTableTests
{
    [Fact]
    public void Clusters_PointAtServiceDiscoveryNames_NeverAtHostsOrPorts()
    {
        Assert.All(GatewayRoutes.Clusters, c =>
            Assert.Equal($"http://{c.ClusterId}", Assert.Single(c.Destinations!).Value.Address));
        Assert.Equal(["account", "mfa", "notification", "organization", "signin", "sso-connector", "ui"], GatewayRoutes.Clusters.Select(c => c.ClusterId).Order());
    }

    [Fact]
    public void Routes_NeverMatchInternalPaths()
    {
        Assert.DoesNotContain(GatewayRoutes.Routes, r => r.Match.Path!.StartsWith("/internal", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Routes_GrantCorsOnlyToPublicOidcEndpoints_NeverToTheAuthorizationEndpoint()
    {
        var corsPaths = GatewayRoutes.Routes.Where(r => r.CorsPolicy is not null).Select(r => r.Match.Path!).Order().ToArray();

        Assert.Equal(["/oidc/.well-known/{**rest}", "/oidc/jwks", "/oidc/me", "/oidc/token", "/oidc/token/introspection", "/oidc/token/revocation"], corsPaths);
        Assert.All(GatewayRoutes.Routes.Where(r => r.CorsPolicy is not null), r => Assert.Equal("signin", r.ClusterId));
    }

    [Fact]
    public void Clusters_HaveABoundedActivityTimeout()
    {
        Assert.All(GatewayRoutes.Clusters, c => Assert.Equal(TimeSpan.FromSeconds(30), c.HttpRequest!.ActivityTimeout));
    }

    [Theory]
    [InlineData("/internal", true)]
    [InlineData("/internal/users", true)]
    [InlineData("/Internal/users", true)]
    [InlineData("//internal/users", true)]
    [InlineData("/internals", false)]
    [InlineData("/api/internal", false)]
    [InlineData("/", false)]
    public void IsInternal_RecognisesTheInternalPrefixOnly(string path, bool expected)
    {
        Assert.Equal(expected, GatewayExtensions.IsInternal(new PathString(path)));
    }
}
