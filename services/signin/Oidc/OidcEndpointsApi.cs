using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Consent;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Organizations;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.JsonWebTokens;
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
        // OIDC Core §3.1.2.1. OpenIddict validated the hint (our keys, issuer, this client as audience; expiry allowed)
        // but ignores one it cannot validate: a forged or malformed hint must not pass for "no hint".
        string? hintSubject = null;
        if (!string.IsNullOrEmpty(request.IdTokenHint)
            && (hintSubject = (await context.AuthenticateAsync(Scheme)).Principal?.GetClaim(Claims.Subject)) is null)
            return Results.Forbid(ErrorProperties(Errors.InvalidRequest, "The specified 'id_token_hint' is invalid."), [Scheme]);

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

        // The client expects another user than the one signed in (its hint): that user must sign in, as for prompt=login.
        var mustAuthenticate = session is null || (!resumed && (request.HasPromptValue(PromptValues.Login)
            || request.MaxAge is { } maxAge && time.GetUtcNow() - session.AuthTime > TimeSpan.FromSeconds(maxAge)
            || hintSubject is not null && hintSubject != session.UserId));
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

        // Third-party applications need the user's grant for what they ask (Consent/ConsentGate), and get only their consent scopes.
        var consent = context.RequestServices.GetRequiredService<ConsentGate>();
        if (await consent.CheckAsync(context, request, session!, OriginalParameters(context.Request), ct) is { } consentAnswer) return consentAnswer;
        string[] scopes = [.. await consent.GrantableScopesAsync(clientId, request.GetScopes(), ct),
            .. await OrganizationScopesInAuthorizationRequest.GrantableAsync(context, consent, clientId, ct)];
        OrganizationMembership[]? memberships;
        try
        {
            memberships = await MembershipsAsync(context.RequestServices, user!.Id, scopes, ct);
        }
        catch (OrganizationUnavailableException e)
        {
            context.RequestServices.GetRequiredService<ILogger<OrganizationClient>>().LogWarning(e, "organization unavailable during an authorization request");
            return Results.Forbid(ErrorProperties(Errors.TemporarilyUnavailable, "The organization service is unavailable; retry shortly."), [Scheme]);
        }
        var application = await context.RequestServices.GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(clientId, ct);
        var thirdParty = application is not null && await consent.IsThirdPartyAsync(application, ct);
        var principal = BuildPrincipal(user!, session!, scopes, request.GetResources(), memberships, thirdParty);
        // An ad-hoc authorization per session and client, recorded in the session: signing out revokes exactly the
        // grants of this session (those without offline_access), not the user's grants in other browsers.
        var authorizationId = await CreateSessionAuthorizationAsync(context.RequestServices, principal, user!.Id, clientId, ct);
        principal.SetAuthorizationId(authorizationId);
        await sessions.AddClientAsync(session!, clientId, authorizationId, ct);
        return Results.SignIn(principal, authenticationScheme: Scheme);
    }

    private static async Task<string?> CreateSessionAuthorizationAsync(IServiceProvider services, ClaimsPrincipal principal, string userId,
        string clientId, CancellationToken ct)
    {
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null) return null;
        var authorization = await authorizations.CreateAsync(principal, userId, (await applications.GetIdAsync(application, ct))!,
            AuthorizationTypes.AdHoc, principal.GetScopes(), ct);
        return await authorizations.GetIdAsync(authorization, ct);
    }

    internal static ClaimsPrincipal BuildPrincipal(AccountUser user, SigninSession session, IReadOnlyCollection<string> scopes, IEnumerable<string> resources,
        IReadOnlyCollection<OrganizationMembership>? memberships = null, bool thirdParty = false)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        foreach (var (type, value) in UserClaims.For(user, scopes, memberships))
        {
            switch (value)
            {
                case string s: identity.AddClaim(new Claim(type, s)); break;
                case bool b: identity.AddClaim(new Claim(type, b ? "true" : "false", ClaimValueTypes.Boolean)); break;
                case long l: identity.AddClaim(new Claim(type, l.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64)); break;
                case System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array } a:
                    identity.AddClaim(new Claim(type, a.GetRawText(), JsonClaimValueTypes.JsonArray)); break;
                case System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } o:
                    identity.AddClaim(new Claim(type, o.GetRawText(), JsonClaimValueTypes.Json)); break;
            }
        }
        identity.AddClaim(new Claim(Claims.AuthenticationTime, session.AuthTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        identity.AddClaim(new Claim("sid", session.Id));
        if (thirdParty) ThirdPartyTokenMarking.Mark(identity);
        if (session.Amr.Count > 0) identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, System.Text.Json.JsonSerializer.Serialize(session.Amr), JsonClaimValueTypes.JsonArray));
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
        string[] scopes = [.. result.Principal.GetScopes()];
        OrganizationMembership[]? memberships;
        try
        {
            memberships = await MembershipsAsync(context.RequestServices, user.Id, scopes, ct);
        }
        catch (OrganizationUnavailableException)
        {
            return PlatformProblems.Create(503, "service.unavailable", "The organization service is unavailable; retry shortly.");
        }
        AccountUserIdentities? identities = null;
        try
        {
            if (scopes.Contains(LogtoScopes.Identities)) identities = await account.GetIdentitiesAsync(user.Id, ct);
        }
        catch (Exception e) when (e is HttpRequestException or AccountProblemException)
        {
            return PlatformProblems.Create(503, "service.unavailable", "The user directory is unavailable; retry shortly.");
        }
        // Fresh from account and organization, not from the token: userinfo reflects changes made since sign-in.
        var claims = UserClaims.For(user, scopes, memberships, identities).Where(c => c.Value is not null).ToDictionary();
        return Results.Json(claims);
    }

    /// <summary>
    /// RP-initiated logout (OpenID RP-Initiated Logout 1.0). OpenIddict has already rejected (400 page, no redirect) an
    /// unknown client, an id_token_hint that is not ours (foreign key, alg:none, altered) and a post_logout_redirect_uri
    /// registered for no client. What remains is trusted only with a valid id_token_hint of the signed-in user whose
    /// client registered the exact post_logout_redirect_uri: then the session ends at once and the browser goes back
    /// with <c>state</c>. Anything else could be a cross-site request, so the user confirms with a form (anti-forgery
    /// token) before the session ends; without a session there is nothing to end and the "signed out" page shows.
    /// </summary>
    private static async Task<IResult> EndSession(HttpContext context, SessionService sessions, IAntiforgery antiforgery,
        IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var confirmed = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            && context.Request.Form["logout"] == "true";
        if (confirmed)
        {
            // The confirmation form is ours: a cross-site post of it is refused like any cookie-bound change.
            if (CrossSiteRequests.IsCrossSite(context)) return CrossSiteRequests.Problem();
            if (!await antiforgery.IsRequestValidAsync(context))
                return SignOutPages.Error("The sign-out form expired or did not come from this site. Sign out again from the application.");
            await sessions.EndAsync(context, SessionEndReasons.SignOut, ct);
            return SignedOut(request);
        }
        var session = await sessions.FindAsync(context, ct);
        if (session is null)
        {
            // Nothing to end here; a trusted request still returns to the application.
            await sessions.EndAsync(context, SessionEndReasons.SignOut, ct);
            return await IsTrustedAsync(context, request, null, applications, ct) ? SignedOut(request) : SignOutPages.SignedOut();
        }
        if (await IsTrustedAsync(context, request, session, applications, ct))
        {
            await sessions.EndAsync(context, SessionEndReasons.SignOut, ct);
            return SignedOut(request);
        }
        var tokens = antiforgery.GetAndStoreTokens(context);
        return SignOutPages.Confirm(OriginalParameters(context.Request), tokens.FormFieldName, tokens.RequestToken!);
    }

    /// <summary>Back to the client when OpenIddict validated its post_logout_redirect_uri (it adds <c>state</c>), else our page.</summary>
    private static IResult SignedOut(OpenIddictRequest request) =>
        string.IsNullOrEmpty(request.PostLogoutRedirectUri) ? SignOutPages.SignedOut() : Results.SignOut(authenticationSchemes: [Scheme]);

    private static async Task<bool> IsTrustedAsync(HttpContext context, OpenIddictRequest request, SigninSession? session,
        IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.IdTokenHint)) return false;
        // OpenIddict validated the hint (signature with our keys, issuer; expiry is allowed) and exposes its principal.
        var hint = (await context.AuthenticateAsync(Scheme)).Principal;
        if (hint?.GetClaim(Claims.Subject) is not { } subject) return false;
        if (session is not null && session.UserId != subject) return false;
        if (string.IsNullOrEmpty(request.PostLogoutRedirectUri)) return true;
        // The URI must belong to the client the hint was issued to, not merely to some client.
        foreach (var audience in hint.GetAudiences())
        {
            if (request.ClientId is { Length: > 0 } clientId && clientId != audience) continue;
            var application = await applications.FindByClientIdAsync(audience, ct);
            if (application is not null && await applications.ValidatePostLogoutRedirectUriAsync(application, request.PostLogoutRedirectUri, ct))
                return true;
        }
        return false;
    }

    /// <summary>The user's memberships when the organizations or organization roles scope is granted; organization is not asked otherwise.</summary>
    private static async Task<OrganizationMembership[]?> MembershipsAsync(IServiceProvider services, string userId, IReadOnlyCollection<string> scopes, CancellationToken ct) =>
        scopes.Contains(LogtoScopes.Organizations) || scopes.Contains(LogtoScopes.OrganizationRoles)
            ? await services.GetRequiredService<OrganizationClient>().GetMembershipsAsync(userId, ct)
            : null;

    private static AuthenticationProperties ErrorProperties(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });

}
