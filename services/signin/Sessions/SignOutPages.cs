using System.Text;
using System.Text.Encodings.Web;

namespace Auth.Platform.Signin.Sessions;

/// <summary>
/// The provider's own sign-out pages (no redirect): the confirmation form for requests that cannot be trusted, the
/// "signed out" page, and the error page of an invalid confirmation. Never cached.
/// </summary>
public static class SignOutPages
{
    public static IResult Confirm(IEnumerable<KeyValuePair<string, string>> parameters, string antiforgeryField, string antiforgeryToken)
    {
        var form = new StringBuilder();
        foreach (var (key, value) in parameters.Where(p => p.Key is not "logout" && p.Key != antiforgeryField))
            form.Append($"<input type=\"hidden\" name=\"{Encode(key)}\" value=\"{Encode(value)}\">");
        form.Append($"<input type=\"hidden\" name=\"{Encode(antiforgeryField)}\" value=\"{Encode(antiforgeryToken)}\">");
        return Html(200, "Sign out",
            "<h1>Sign out?</h1><p>Do you want to sign out of all applications in this browser?</p>" +
            $"<form id=\"logout-form\" method=\"post\" action=\"/oidc/session/end\">{form}" +
            "<button id=\"logout\" type=\"submit\" name=\"logout\" value=\"true\">Sign out</button></form>");
    }

    public static IResult SignedOut() => Html(200, "Signed out", "<h1 id=\"signed-out\">You are signed out.</h1>");

    public static IResult Error(string description) => Html(400, "Sign-out failed", $"<h1>Sign-out failed</h1><p>{Encode(description)}</p>");

    private static IResult Html(int status, string title, string body) => new HtmlResult(status,
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Encode(title)}</title></head><body>{body}</body></html>");

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);

    private sealed class HtmlResult(int status, string html) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync(html);
        }
    }
}
