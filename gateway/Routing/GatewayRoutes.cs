using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Auth.Platform.Gateway.Routing;

/// <summary>
/// The public route table (CONTRACTS.md "Gateway routes") in code, so a test can read it and nobody can widen it by
/// dropping a file next to the binary. Destinations are service-discovery names, never hosts or ports.
/// </summary>
public static class GatewayRoutes
{
    public const string PublicOidcCorsPolicy = "public-oidc";

    /// <summary>
    /// Path prefixes that belong to each backend service (cluster id = AppHost resource name): only prefixes under which
    /// the service maps endpoints (checked against the running services by GatewayPrefixTests).
    /// sso-connector's SAML prefix holds the ACS and SP metadata only (Logto's deprecated social SAML ACS, /api/authn/saml, is not served).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Prefixes = new Dictionary<string, string[]>
    {
        ["signin"] = ["/oidc", "/api/experience", "/api/applications", "/api/sign-in-exp", "/api/.well-known/sign-in-exp", "/api/interaction/consent"],
        ["account"] = ["/api/users", "/api/my-account", "/api/account-center", "/api/verifications"],
        ["organization"] = ["/api/organizations", "/api/organization-scopes", "/api/organization-roles", "/api/organization-invitations", "/api/organization-settings"],
        ["sso-connector"] = ["/api/connector-factories", "/api/connectors", "/api/sso-connector-providers", "/api/sso-connectors", "/api/authn/single-sign-on"],
    };

    /// <summary>The API's root: below it, a path that no service serves is answered by the gateway itself.</summary>
    public const string ApiPrefix = "/api";

    /// <summary>
    /// OIDC endpoints a browser app on another origin calls with fetch (token, discovery, keys, userinfo,
    /// revocation, introspection). The authorization endpoint is deliberately absent: it is navigated to, never
    /// fetched, and CORS there would only help an attacker read its responses.
    /// </summary>
    public static readonly string[] CorsPaths =
        ["/oidc/token", "/oidc/token/revocation", "/oidc/token/introspection", "/oidc/jwks", "/oidc/me", "/oidc/.well-known/{**rest}"];

    /// <summary>
    /// Paths inside another service's prefix that belong elsewhere. Parameters and literals outrank the prefixes'
    /// catch-alls in ASP.NET route precedence, so these win without an explicit order. Sessions and grants are signin's data even
    /// under <c>/api/my-account</c> and <c>/api/users</c> (account's); a user's MFA factors and MFA settings are mfa's; the
    /// back-channel logout delivery log is notification's.
    /// </summary>
    public static readonly (string Cluster, string Path)[] Exceptions =
    [
        ("signin", "/api/my-account/sessions"),
        ("signin", "/api/my-account/sessions/{**rest}"),
        ("signin", "/api/my-account/grants"),
        ("signin", "/api/my-account/grants/{**rest}"),
        ("signin", "/api/users/{userId}/sessions"),
        ("signin", "/api/users/{userId}/sessions/{**rest}"),
        ("mfa", "/api/users/{userId}/mfa-verifications"),
        ("mfa", "/api/users/{userId}/mfa-verifications/{**rest}"),
        ("mfa", "/api/users/{userId}/logto-configs"),
        ("notification", "/api/applications/{applicationId}/backchannel-logout-deliveries"),
        // Memberships are organization's data (Logto lists a user's organizations under /api/users).
        ("organization", "/api/users/{userId}/organizations"),
        // Organizations users create themselves (issue 14 pt 8) sit among the Account API's routes.
        ("organization", "/api/my-account/organizations"),
        // The account center settings are account's, their public copy sits among signin's well-known documents.
        ("account", "/api/.well-known/account-center"),
    ];

    public const string UiCluster = "ui";

    /// <summary>Paths that are never proxied: services' service-to-service APIs.</summary>
    public const string InternalPrefix = "/internal";

    /// <summary>Slow answers are cut after this; a destination that refuses connections fails at once anyway.</summary>
    public static readonly TimeSpan ActivityTimeout = TimeSpan.FromSeconds(30);

    public static IReadOnlyList<RouteConfig> Routes { get; } = BuildRoutes();

    public static IReadOnlyList<ClusterConfig> Clusters { get; } =
        [.. Prefixes.Keys.Concat(Exceptions.Select(e => e.Cluster)).Distinct().Append(UiCluster).Select(service => new ClusterConfig
        {
            ClusterId = service,
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = ActivityTimeout },
            Destinations = new Dictionary<string, DestinationConfig>
            {
                [service] = new() { Address = $"http://{service}" },
            },
        })];

    private static List<RouteConfig> BuildRoutes()
    {
        var routes = new List<RouteConfig>();
        foreach (var (cluster, prefixes) in Prefixes)
        {
            foreach (var prefix in prefixes)
            {
                routes.Add(new RouteConfig
                {
                    RouteId = $"{cluster}:{prefix}",
                    ClusterId = cluster,
                    Match = new RouteMatch { Path = prefix + "/{**rest}" },
                });
            }
        }
        routes.AddRange(Exceptions.Select(e => new RouteConfig
        {
            RouteId = $"{e.Cluster}:{e.Path}",
            ClusterId = e.Cluster,
            Match = new RouteMatch { Path = e.Path },
        }));
        // More specific literal templates win over "/oidc/{**rest}" by route precedence, so these carry the CORS
        // policy and the catch-all does not.
        routes.AddRange(CorsPaths.Select(path => new RouteConfig
        {
            RouteId = "signin-cors:" + path,
            ClusterId = "signin",
            CorsPolicy = PublicOidcCorsPolicy,
            Match = new RouteMatch { Path = path },
        }));
        // Everything else is the hosted UI; the high order keeps it behind every other endpoint (/health included).
        routes.Add(new RouteConfig
        {
            RouteId = "ui",
            ClusterId = UiCluster,
            Order = 1000,
            Match = new RouteMatch { Path = "/{**rest}" },
        });
        return routes;
    }
}
