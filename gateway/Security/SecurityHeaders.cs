namespace Auth.Platform.Gateway.Security;

/// <summary>
/// Headers the gateway puts on every response it sends (P-CJ1 clickjacking, P-RF1 referrer leaks). They cost nothing
/// on JSON responses, and applying them everywhere means no new UI route or OIDC page can forget them. The hosted UI
/// sends its own, stricter document CSP; the gateway only adds <c>frame-ancestors</c> when a response lacks it.
/// Consequence: the authorization endpoint cannot be framed, so iframe-based silent renew (<c>prompt=none</c> in a
/// hidden iframe) is not supported; SPAs renew with refresh tokens (<c>offline_access</c>), as Logto's SDKs do.
/// </summary>
public static class SecurityHeaders
{
    public const string FrameAncestorsNone = "frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (!headers.ContentSecurityPolicy.Any(v => v?.Contains("frame-ancestors", StringComparison.OrdinalIgnoreCase) == true))
            {
                headers.Append("Content-Security-Policy", FrameAncestorsNone);
            }
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
