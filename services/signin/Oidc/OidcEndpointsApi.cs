using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// The passthrough endpoints. OpenIddict has already validated the protocol (client, redirect URI, PKCE, scopes,
/// resources) before these run; they only decide who is signed in and which claims go where.
/// </summary>
public static class OidcEndpointsApi
{
    private const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static IEndpointRouteBuilder MapOidcEndpointsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/oidc").ExcludeFromDescription();
        group.MapMethods("/auth", [HttpMethods.Get, HttpMethods.Post], Authorize);
        group.MapMethods("/me", [HttpMethods.Get, HttpMethods.Post], UserInfo);
        group.MapMethods("/session/end", [HttpMethods.Get, HttpMethods.Post], EndSession);
        return app;
    }

    private static async Task<IResult> Authorize(HttpContext context, SessionService sessions, InteractionStore interactions,
        AccountClient account, IConfiguration configuration, TimeProvider time, SignInExperienceStore signInExperience, CancellationToken ct)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var clientId = request.ClientId!;

        var session = await sessions.FindAsync(context, ct);
        var interaction = await interactions.FindAsync(context);
        // The request that submit's redirectTo resumes: its login just happened, so prompt=login and max_age are satisfied
        // (otherwise prompt=login would send the user back to the sign-in page forever).
        var resumed = interaction is { SubmittedSessionId: not null } && session is not null
            && interaction.SubmittedSessionId == session.Id && interaction.ClientId == clientId;
        if (resumed) await interactions.DeleteAsync(context, interaction!);

        AccountUser? user;
        try
        {
            user = session is null ? null : await account.GetUserAsync(session.UserId, ct);
        }
        catch (Exception e) when (e is HttpRequestException or AccountProblemException)
        {
            // The client's redirect URI is validated by now: tell it to retry rather than failing on our side.
            return Results.Forbid(ErrorProperties(Errors.TemporarilyUnavailable, "The user directory is unavailable; retry shortly."), [Scheme]);
        }
        if (session is not null && (user is null || user.IsSuspended))
        {
            await sessions.EndAsync(context, ct);
            session = null;
        }

        var mustAuthenticate = session is null || (!resumed && (request.HasPromptValue(PromptValues.Login)
            || request.MaxAge is { } maxAge && time.GetUtcNow() - session.AuthTime > TimeSpan.FromSeconds(maxAge)));
        if (mustAuthenticate)
        {
            if (request.HasPromptValue(PromptValues.None))
                return Results.Forbid(ErrorProperties(Errors.LoginRequired, "The user is not signed in."), [Scheme]);
            // first_screen and its companions are wishes: the resolver maps them as Logto does and the sign-in mode decides.
            var mode = (await signInExperience.GetAsync(ct)).SignInMode;
            var firstScreen = FirstScreenResolver.Resolve(name => request.GetParameter(name)?.ToString(), mode);
            await interactions.CreateAsync(context, clientId, OriginalParameters(context.Request), firstScreen.InteractionEvent);
            return Results.Redirect(configuration.GetPublicUrl() + firstScreen.RelativeUrl);
        }

        var principal = BuildPrincipal(user!, session!, request.GetScopes(), request.GetResources());
        await sessions.AddClientAsync(session!, clientId, ct);
        return Results.SignIn(principal, authenticationScheme: Scheme);
    }

    internal static ClaimsPrincipal BuildPrincipal(AccountUser user, SigninSession session, IReadOnlyCollection<string> scopes, IEnumerable<string> resources)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        foreach (var (type, value) in UserClaims.For(user, scopes))
        {
            switch (value)
            {
                case string s: identity.AddClaim(new Claim(type, s)); break;
                case bool b: identity.AddClaim(new Claim(type, b ? "true" : "false", ClaimValueTypes.Boolean)); break;
                case long l: identity.AddClaim(new Claim(type, l.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64)); break;
            }
        }
        identity.AddClaim(new Claim(Claims.AuthenticationTime, session.AuthTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        identity.AddClaim(new Claim("sid", session.Id));
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        principal.SetResources(resources);
        principal.SetDestinations(claim => ClaimDestinations.For(claim, principal));
        return principal;
    }

    private static IEnumerable<KeyValuePair<string, string>> OriginalParameters(HttpRequest request)
    {
        var source = HttpMethods.IsPost(request.Method) && request.HasFormContentType
            ? request.Form.Select(p => (p.Key, p.Value))
            : request.Query.Select(p => (p.Key, p.Value));
        foreach (var (key, values) in source)
            foreach (var value in values)
                if (value is not null) yield return new(key, value);
    }

    private static async Task<IResult> UserInfo(HttpContext context, AccountClient account, CancellationToken ct)
    {
        var result = await context.AuthenticateAsync(Scheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        if (result.Principal is null || subject is null)
            return Results.Challenge(ErrorProperties(Errors.InvalidToken, "The access token is not valid."), [Scheme]);
        AccountUser? user;
        try
        {
            user = await account.GetUserAsync(subject, ct);
        }
        catch (Exception e) when (e is HttpRequestException or AccountProblemException)
        {
            return PlatformProblems.Create(503, "service.unavailable", "The user directory is unavailable; retry shortly.");
        }
        if (user is null || user.IsSuspended)
            return Results.Challenge(ErrorProperties(Errors.InvalidToken, "The user no longer exists."), [Scheme]);
        // Fresh from account, not from the token: userinfo reflects profile changes made since sign-in.
        var claims = UserClaims.For(user, [.. result.Principal.GetScopes()]).Where(c => c.Value is not null).ToDictionary();
        return Results.Json(claims);
    }

    private static async Task<IResult> EndSession(HttpContext context, SessionService sessions, CancellationToken ct)
    {
        var request = context.GetOpenIddictServerRequest();
        await sessions.EndAsync(context, ct);
        // OpenIddict has checked post_logout_redirect_uri against the registered ones (exact match) and redirects there.
        if (!string.IsNullOrEmpty(request?.PostLogoutRedirectUri)) return Results.SignOut(authenticationSchemes: [Scheme]);
        return Results.Content(Page("Signed out", "<h1>You are signed out.</h1>"), "text/html; charset=utf-8");
    }

    private static AuthenticationProperties ErrorProperties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });

    private static string Page(string title, string body) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>";
}
