namespace Auth.Platform.Signin.Sessions;

/// <summary>
/// Cookie-bound state changes (Experience API, consent, sign-out confirmation) must come from the platform's own pages.
/// SameSite=Lax alone lets a sibling site (same registrable domain) or an old browser post with the user's cookies, so
/// a browser's own statement of where a request comes from is checked too (OWASP CSRF cheat sheet, "verifying origin
/// with standard headers"): <c>Sec-Fetch-Site</c> when sent, then <c>Origin</c>. A request with neither comes from a
/// non-browser client, which holds no victim's cookies, and passes.
/// </summary>
public static class CrossSiteRequests
{
    public const string Code = "request.cross_origin";

    /// <summary>Endpoint filter for groups of cookie-authenticated routes: safe methods pass, others must be same-origin.</summary>
    public static async ValueTask<object?> Refuse(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsCrossSite(context.HttpContext) ? Problem() : await next(context);

    public static IResult Problem() =>
        PlatformProblems.Create(StatusCodes.Status403Forbidden, Code, "This request must come from the sign-in pages of this site.");

    public static bool IsCrossSite(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return false;
        // same-site is a sibling origin (another subdomain): not ours either. none = typed or bookmarked by the user.
        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site && site is not ("same-origin" or "none")) return true;
        if (request.Headers.Origin.ToString() is not { Length: > 0 } origin) return false;
        var publicOrigin = new Uri(context.RequestServices.GetRequiredService<IConfiguration>().GetPublicUrl()).GetLeftPart(UriPartial.Authority);
        return !string.Equals(origin, publicOrigin, StringComparison.OrdinalIgnoreCase);
    }
}
