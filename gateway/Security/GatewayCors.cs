using Auth.Platform.Gateway.Routing;

namespace Auth.Platform.Gateway.Security;

/// <summary>
/// The gateway is the one place that decides CORS (P-CO1): services never see a cross-origin browser directly.
/// Public OIDC endpoints allow any origin without credentials (tokens travel in the body or the Authorization
/// header, never in cookies); every other path, the authorization endpoint first, gets no CORS grant, and any
/// Access-Control-Allow-* header a service might send there is removed so the decision cannot leak back in.
/// </summary>
public static class GatewayCors
{
    public static IServiceCollection AddGatewayCors(this IServiceCollection services) =>
        services.AddCors(o => o.AddPolicy(GatewayRoutes.PublicOidcCorsPolicy, p => p
            .AllowAnyOrigin()
            .AllowAnyHeader()
            .WithMethods("GET", "POST")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));

    /// <summary>Runs after routing, so the matched endpoint says whether the route carries the public policy.</summary>
    public static IApplicationBuilder UseGatewayCors(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var allowed = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Cors.Infrastructure.ICorsPolicyMetadata>() is not null
                || context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Cors.Infrastructure.IEnableCorsAttribute>() is not null;
            if (!allowed)
            {
                context.Response.OnStarting(static state =>
                {
                    var headers = ((HttpContext)state).Response.Headers;
                    foreach (var name in headers.Keys.Where(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).ToList())
                    {
                        headers.Remove(name);
                    }
                    return Task.CompletedTask;
                }, context);
            }
            return next(context);
        });
        return app.UseCors();
    }
}
