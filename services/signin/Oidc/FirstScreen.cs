using System.Text.RegularExpressions;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.SignInExperience;

namespace Auth.Platform.Signin.Oidc;

/// <summary>Where <c>/oidc/auth</c> sends a user who must authenticate: a hosted-UI route, its query and the interaction's event.</summary>
/// <param name="Path">The hosted-UI route, e.g. <c>/identifier-sign-in</c>.</param>
/// <param name="InteractionEvent">The event the interaction starts with; it matches the screen.</param>
/// <param name="Query">Authentication parameters the UI needs, in a fixed order (empty = no query string).</param>
public sealed record FirstScreen(string Path, string InteractionEvent, IReadOnlyList<KeyValuePair<string, string>> Query)
{
    /// <summary>The route with its query, relative to the public origin.</summary>
    public string RelativeUrl => Query.Count == 0
        ? Path
        : Path + "?" + string.Join('&', Query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}

/// <summary>
/// Logto's authentication parameters (<c>first_screen</c>, deprecated <c>interaction_mode</c>, <c>identifier</c>,
/// <c>login_hint</c>, <c>direct_sign_in</c>, <c>ui_locales</c>) turned into a hosted-UI route, as Logto's
/// <c>buildLoginPromptUrl</c> does. They are wishes from a client: anything unknown or malformed is ignored (the
/// default screen), never an error, and the sign-in mode has the last word on which screens exist.
/// </summary>
public static partial class FirstScreenResolver
{
    /// <summary>Longest <c>login_hint</c> forwarded: an identifier is at most 256 characters (Logto's limit too); longer is junk.</summary>
    public const int MaxLoginHintLength = 256;
    private const int MaxUiLocalesLength = 100;

    // Logto's FirstScreen enum values (packages/schemas/src/consts/oidc.ts) and their routes; 'signIn' is the deprecated spelling.
    private static readonly Dictionary<string, string> Routes = new(StringComparer.Ordinal)
    {
        ["sign_in"] = "/sign-in",
        ["signIn"] = "/sign-in",
        ["register"] = "/register",
        ["reset_password"] = "/reset-password",
        ["identifier:sign_in"] = "/identifier-sign-in",
        ["identifier:register"] = "/identifier-register",
        ["single_sign_on"] = "/single-sign-on",
    };

    private static readonly string[] Identifiers = ["username", "email", "phone"];

    /// <param name="parameter">Reads one authorization request parameter (null when absent).</param>
    /// <param name="signInMode">The sign-in experience's <c>signInMode</c>.</param>
    public static FirstScreen Resolve(Func<string, string?> parameter, string signInMode)
    {
        var path = RequestedPath(parameter("first_screen"), parameter("interaction_mode"));

        // The sign-in mode decides which screens exist (Logto: /register redirects to sign-in when registration is off).
        var isRegister = path is "/register" or "/identifier-register";
        var isSignIn = path is "/sign-in" or "/identifier-sign-in";
        if (signInMode == SignInModes.SignIn && isRegister) path = "/sign-in";
        else if (signInMode == SignInModes.Register && isSignIn) path = "/register";

        var query = new List<KeyValuePair<string, string>>();
        // The hosted UI picks its language from ui_locales before the browser's, as OIDC Core §3.1.2.1 asks.
        if (parameter("ui_locales") is { Length: > 0 and <= MaxUiLocalesLength } uiLocales && !uiLocales.Any(char.IsControl))
            query.Add(new("ui_locales", uiLocales));
        if (parameter("login_hint") is { } hint && hint.Trim() is { Length: > 0 and <= MaxLoginHintLength } trimmed && !trimmed.Any(char.IsControl))
            query.Add(new("login_hint", trimmed));
        // Logto forwards identifier only to the screens that ask for one identifier type.
        if (path is "/identifier-sign-in" or "/identifier-register" or "/reset-password" && IdentifierTypes(parameter("identifier")) is { } types)
            query.Add(new("identifier", types));
        // No connector exists yet, so Logto's /direct/{method}/{target}?fallback=… always falls back: land on the first
        // screen and keep the wish visible to the UI for when connectors arrive.
        if (DirectSignIn(parameter("direct_sign_in")) is { } direct) query.Add(new("direct_sign_in", direct));

        var interactionEvent = path switch
        {
            "/register" or "/identifier-register" => InteractionEvents.Register,
            "/reset-password" => InteractionEvents.ForgotPassword,
            _ => InteractionEvents.SignIn,
        };
        return new FirstScreen(path, interactionEvent, query);
    }

    private static string RequestedPath(string? firstScreen, string? interactionMode)
    {
        // Logto: first_screen ?? interaction_mode ?? sign_in, with the deprecated 'signUp' meaning register.
        var key = string.IsNullOrEmpty(firstScreen) ? interactionMode : firstScreen;
        if (key == "signUp") return "/register";
        return key is not null && Routes.TryGetValue(key, out var route) ? route : "/sign-in";
    }

    /// <summary>Space-separated username/email/phone, deduplicated in order; null when none is valid (the UI's default applies).</summary>
    public static string? IdentifierTypes(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 64) return null;
        var types = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(Identifiers.Contains).Distinct().ToList();
        return types.Count == 0 ? null : string.Join(' ', types);
    }

    /// <summary><c>social:&lt;target&gt;</c> or <c>sso:&lt;connectorId&gt;</c> with a plain token; anything else is ignored.</summary>
    public static string? DirectSignIn(string? value) => value is { Length: <= 140 } && DirectSignInPattern().IsMatch(value) ? value : null;

    [GeneratedRegex(@"^(social|sso):[A-Za-z0-9_\-.]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DirectSignInPattern();
}
