using Auth.Platform.Gateway.Limits;
using Auth.Platform.Gateway.Routing;
using Auth.Platform.Gateway.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Yarp.ReverseProxy.Forwarder;

namespace Auth.Platform.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        // The gateway is the public edge: X-Forwarded-* arriving from the internet are the client's claims, not a
        // trusted proxy's. Honouring them would let anyone choose the Host that YARP forwards, i.e. the issuer the
        // services compute. Services trust the gateway's headers (AddPlatformDefaults); the gateway trusts none.
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.None);
        builder.Services.AddGatewayCors();
        builder.Services.AddClientRateLimiting(builder.Configuration);
        // The gateway streams bodies through; each service applies the hostile-input rule to what it receives.
        builder.Services.Configure<HostileInputOptions>(o => o.Enabled = false);
        // YARP's default transforms set X-Forwarded-For/Proto/Host (replacing what the client sent) and keep the
        // original Host out of the way, so services see the public URL through their forwarded-headers middleware.
        // Destinations are service names (http://signin); service discovery expands them into the endpoints the AppHost
        // injected (services__signin__http__0, ...), one destination per replica.
        builder.Services.AddReverseProxy()
            .LoadFromMemory(GatewayRoutes.Routes, GatewayRoutes.Clusters)
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    /// <summary>
    /// Security headers, the /internal block and the body limit, then routing, CORS (so a 429 is readable cross-origin)
    /// and the per-client rate limit; call before the endpoints are mapped.
    /// </summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UsePlatformDefaults();
        app.UseInternalPathBlock();
        app.UseRequestBodyLimit();
        app.UseRouting();
        app.UseGatewayCors();
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        // An API path that no service serves is the gateway's own 404 (a problem), not the hosted UI's page: the route
        // table forwards only the prefixes a service serves, and this catch-all ranks below all of them.
        app.Map(GatewayRoutes.ApiPrefix + "/{**rest}", (HttpContext context) =>
            PlatformProblems.Write(context, StatusCodes.Status404NotFound, "request.not_found", "No endpoint matches this path."));
        app.MapReverseProxy(proxy => proxy.Use(async (context, next) =>
        {
            // A service's own answer passes through untouched: the gateway's status-code problems (UsePlatformDefaults)
            // are for requests it answers itself, not for a service's deliberate empty 401 or 404.
            if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages) statusCodePages.Enabled = false;
            await next();
            // A destination that is down or slow becomes a problem with a stable code instead of an empty 502/504.
            var error = context.GetForwarderErrorFeature();
            if (error is null || context.Response.HasStarted) return;
            if (RequestBodyLimit.IsBodyTooLarge(error))
            {
                await RequestBodyLimit.WriteAsync(context);
                return;
            }
            var timedOut = error.Error is ForwarderError.RequestTimedOut;
            var status = timedOut ? StatusCodes.Status504GatewayTimeout
                : context.Response.StatusCode >= 500 ? context.Response.StatusCode : StatusCodes.Status502BadGateway;
            await PlatformProblems.Write(context, status, timedOut ? "gateway.upstream_timeout" : "gateway.upstream_unavailable",
                "The service behind this path did not answer.");
        }));
        return app;
    }

    /// <summary>
    /// <c>/internal/*</c> is service-to-service only. It is refused before routing, on the raw path with leading
    /// slashes collapsed, so <c>//internal/x</c> or a differently cased prefix cannot slip through to a service.
    /// </summary>
    public static IApplicationBuilder UseInternalPathBlock(this IApplicationBuilder app) => app.Use((context, next) =>
        IsInternal(context.Request.Path)
            ? PlatformProblems.Write(context, StatusCodes.Status404NotFound, "request.not_found", "No endpoint matches this path.")
            : next(context));

    public static bool IsInternal(PathString path)
    {
        var value = path.Value ?? "";
        var trimmed = new PathString("/" + value.TrimStart('/'));
        return trimmed.StartsWithSegments(GatewayRoutes.InternalPrefix, StringComparison.OrdinalIgnoreCase);
    }
}
