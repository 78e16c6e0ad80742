using Microsoft.Extensions.FileProviders;

namespace Auth.Platform.Ui.Hosting;

/// <summary>Serves the prebuilt hosted UI: static files, the page each known route renders, and its headers.</summary>
public static class HostedUiExtensions
{
    /// <summary>
    /// Only same-origin resources (P-RF1): no CDN, no inline script or style, no framing (P-CJ1). Branding colours are
    /// applied through the CSSOM, which <c>style-src 'self'</c> allows. Sent here too so the UI is safe even when
    /// reached without the gateway.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

    private static readonly (string Pattern, string File)[] Pages =
    [
        ("/", "app.html"), ("/sign-in", "app.html"), ("/register", "app.html"), ("/error", "app.html"), ("/consent", "consent.html"),
        // The first screens of Logto's authentication parameters (first_screen=…), see signin's FirstScreenResolver.
        ("/identifier-sign-in", "app.html"), ("/identifier-register", "app.html"), ("/reset-password", "app.html"), ("/single-sign-on", "app.html"),
        // Social and SSO (issue 12): the IdP's answer, and the choice to link it to an existing account or create one.
        ("/callback/{connectorId}", "app.html"), ("/social/link/{connectorId}", "app.html"),
        ("/demo", "demo/index.html"), ("/demo/{**path:nonfile}", "demo/index.html"),
    ];

    /// <summary>An IdP's form_post answer is a handful of short fields (code, state, id_token, Apple's user); anything bigger is not one.</summary>
    private const int MaxFormPostBytes = 16 * 1024;

    public static WebApplication UseHostedUi(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            // No build step means no fingerprinted file names, so nothing may be cached blindly: every file is
            // revalidated (ETag/Last-Modified make that a cheap 304), and a deploy never mixes old and new modules.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    public static WebApplication MapHostedUiPages(this WebApplication app)
    {
        foreach (var (pattern, file) in Pages)
        {
            app.MapMethods(pattern, ["GET", "HEAD"], (IWebHostEnvironment env) => Page(env, file, StatusCodes.Status200OK));
        }
        // response_mode=form_post (Apple): the IdP posts its answer from its own origin. The page reads a query, so the
        // fields become one (303, GET); the Lax session cookie is sent again on that top-level GET, which a cross-site
        // POST would not carry. No antiforgery token can exist here: the state checked by the page binds the answer.
        app.MapPost("/callback/{connectorId}", FormPostCallback).DisableAntiforgery();
        // Unknown page-like paths get the shell (it shows "page not found") with a real 404 status.
        app.MapFallback((IWebHostEnvironment env) => Page(env, "app.html", StatusCodes.Status404NotFound));
        return app;
    }

    private static async Task<IResult> FormPostCallback(string connectorId, HttpContext context)
    {
        if (connectorId.Length > 128 || !connectorId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return Results.NotFound();
        if (!context.Request.HasFormContentType || context.Request.ContentLength is null or > MaxFormPostBytes)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "An IdP callback is a small url-encoded form.",
                extensions: new Dictionary<string, object?> { ["code"] = "guard.invalid_input" });
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var query = QueryString.Create(form.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value.ToString())));
        return new SeeOther($"/callback/{connectorId}{query}");
    }

    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    private static IResult Page(IWebHostEnvironment env, string file, int status)
    {
        IFileInfo info = env.WebRootFileProvider.GetFileInfo(file);
        return new HtmlPageResult(info, status);
    }

    private sealed class HtmlPageResult(IFileInfo file, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(file, context.RequestAborted);
        }
    }
}
