using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// An authorization or end-session error that OpenIddict will not send back to the client (no trusted redirect URI:
/// unknown client_id, unregistered or altered redirect_uri) is shown to the user as an HTML page with status 400 —
/// never a redirect, so the endpoint cannot be used as an open redirector. Errors with a validated redirect URI
/// (missing PKCE, bad scope, login_required...) still go back to the client as the protocol requires.
/// </summary>
public sealed class UntrustedErrorPage<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseRequestContext
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<UntrustedErrorPage<TContext>>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ProcessLocalErrorResponse<TContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(TContext context)
    {
        var (error, description, redirectUri) = context switch
        {
            ApplyAuthorizationResponseContext c => (c.Error, c.Response.ErrorDescription, c.RedirectUri),
            ApplyEndSessionResponseContext c => (c.Response.Error, c.Response.ErrorDescription, c.PostLogoutRedirectUri),
            _ => (null, null, null),
        };
        if (string.IsNullOrEmpty(error) || !string.IsNullOrEmpty(redirectUri)) return;
        var response = context.Transaction.GetHttpRequest()?.HttpContext.Response;
        if (response is null) return;
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        await response.WriteAsync(ErrorPages.Render("Sign-in request rejected", error, description));
        context.HandleRequest();
    }
}

public static class ErrorPages
{
    public static string Render(string title, string? code, string? description) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{HtmlEncoder.Default.Encode(title)}</title></head><body>" +
        $"<h1>{HtmlEncoder.Default.Encode(title)}</h1><p><code>{HtmlEncoder.Default.Encode(code ?? "")}</code></p>" +
        $"<p>{HtmlEncoder.Default.Encode(description ?? "")}</p></body></html>";
}
