using System.Globalization;

namespace Auth.Platform.Notification.Delivery;

public sealed record RenderedMessage(string Subject, string Text);

/// <summary>
/// Verification-code messages per purpose (Logto's template types) in English and French: a C# table, so a missing
/// translation is a compile-time gap in one place rather than a missing file at run time. SMS uses the text only.
/// </summary>
public static class MessageTemplates
{
    public static readonly string[] Purposes =
        ["SignIn", "Register", "ForgotPassword", "Generic", "BindNewIdentifier", "UserPermissionValidation", "MfaVerification", "BindMfa"];

    public static readonly string[] Locales = ["en", "fr"];

    private static readonly Dictionary<(string Purpose, string Locale), (string Subject, string Intro)> Table = new()
    {
        [("SignIn", "en")] = ("Your sign-in code", "Use this code to sign in:"),
        [("Register", "en")] = ("Your registration code", "Use this code to create your account:"),
        [("ForgotPassword", "en")] = ("Your password reset code", "Use this code to reset your password:"),
        [("Generic", "en")] = ("Your verification code", "Your verification code is:"),
        [("BindNewIdentifier", "en")] = ("Confirm your new address", "Use this code to confirm this address for your account:"),
        [("UserPermissionValidation", "en")] = ("Confirm it is you", "Use this code to confirm it is you before a sensitive change:"),
        [("MfaVerification", "en")] = ("Your two-step verification code", "Use this code to complete two-step verification:"),
        [("BindMfa", "en")] = ("Set up two-step verification", "Use this code to set up two-step verification:"),
        [("SignIn", "fr")] = ("Votre code de connexion", "Utilisez ce code pour vous connecter :"),
        [("Register", "fr")] = ("Votre code d'inscription", "Utilisez ce code pour créer votre compte :"),
        [("ForgotPassword", "fr")] = ("Votre code de réinitialisation du mot de passe", "Utilisez ce code pour réinitialiser votre mot de passe :"),
        [("Generic", "fr")] = ("Votre code de vérification", "Votre code de vérification est :"),
        [("BindNewIdentifier", "fr")] = ("Confirmez votre nouvelle adresse", "Utilisez ce code pour confirmer cette adresse pour votre compte :"),
        [("UserPermissionValidation", "fr")] = ("Confirmez votre identité", "Utilisez ce code pour confirmer votre identité avant une modification sensible :"),
        [("MfaVerification", "fr")] = ("Votre code de vérification en deux étapes", "Utilisez ce code pour terminer la vérification en deux étapes :"),
        [("BindMfa", "fr")] = ("Configurer la vérification en deux étapes", "Utilisez ce code pour configurer la vérification en deux étapes :"),
    };

    /// <summary>Unknown or missing locale falls back to English; a regional tag (fr-CA) uses its language.</summary>
    public static string NormalizeLocale(string? locale)
    {
        var language = (locale ?? "en").Split('-', '_')[0].ToLowerInvariant();
        return Locales.Contains(language) ? language : "en";
    }

    public static RenderedMessage Render(string purpose, string? locale, string code, TimeSpan lifetime)
    {
        var language = NormalizeLocale(locale);
        var (subject, intro) = Table[(purpose, language)];
        var count = Math.Max(1, (int)Math.Ceiling(lifetime.TotalMinutes));
        var minutes = count.ToString(CultureInfo.InvariantCulture) + (count == 1 ? " minute" : " minutes");
        var footer = language == "fr"
            ? $"Ce code expire dans {minutes}. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
            : $"This code expires in {minutes}. If you did not request it, you can ignore this message.";
        return new RenderedMessage(subject, $"{intro} {code}\n\n{footer}\n");
    }
}
