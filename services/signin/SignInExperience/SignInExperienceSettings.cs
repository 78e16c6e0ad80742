using System.Text.Json;
using System.Text.Json.Nodes;

namespace Auth.Platform.Signin.SignInExperience;

// Logto's sign_in_experiences row (names and shapes of packages/schemas/tables/sign_in_experiences.sql and
// foundations/jsonb-types/sign-in-experience.ts). Defaults: a username + password tenant, what the stack did before.
public sealed class SignInExperienceSettings
{
    public string Id { get; set; } = "default";
    public SignUpSettings SignUp { get; set; } = new();
    public SignInSettings SignIn { get; set; } = new();
    public string SignInMode { get; set; } = SignInModes.SignInAndRegister;
    public PasswordPolicySettings PasswordPolicy { get; set; } = new();
    public UsernamePolicySettings UsernamePolicy { get; set; } = new();
    public VerificationCodePolicySettings VerificationCodePolicy { get; set; } = new();
    public SentinelPolicySettings SentinelPolicy { get; set; } = new();
    public string? TermsOfUseUrl { get; set; }
    public string? PrivacyPolicyUrl { get; set; }
    public string AgreeToTermsPolicy { get; set; } = AgreeToTermsPolicies.Automatic;
    public BrandingSettings Branding { get; set; } = new();
    public LanguageInfoSettings LanguageInfo { get; set; } = new();
    public MfaSettings Mfa { get; set; } = new();
    /// <summary>Logto's <c>forgotPasswordMethods</c>: which code channels may reset a password.</summary>
    public List<string> ForgotPasswordMethods { get; set; } = [ForgotPasswordMethodNames.Email, ForgotPasswordMethodNames.Phone];
    /// <summary>Logto's tenant switch for enterprise SSO (issue 12): SSO domains and the SSO screen apply only when on.</summary>
    public bool SingleSignOnEnabled { get; set; }
    /// <summary>Logto's <c>socialSignInConnectorTargets</c>: which social connectors' buttons show, in this order.</summary>
    public List<string> SocialSignInConnectorTargets { get; set; } = [];
    public SocialSignInSettings SocialSignIn { get; set; } = new();
}

/// <summary>Logto's <c>socialSignIn</c>: link a social identity to the user with the same verified email without asking.</summary>
public sealed class SocialSignInSettings
{
    public bool AutomaticAccountLinking { get; set; }
    public bool SkipRequiredIdentifiers { get; set; }
}

public static class ForgotPasswordMethodNames
{
    public const string Email = "EmailVerificationCode";
    public const string Phone = "PhoneVerificationCode";
    public static readonly string[] All = [Email, Phone];
}

public sealed class SignUpSettings
{
    public List<string> Identifiers { get; set; } = ["username"];
    public bool Password { get; set; } = true;
    public bool Verify { get; set; }
    public List<SecondaryIdentifier> SecondaryIdentifiers { get; set; } = [];
}

public sealed class SecondaryIdentifier
{
    public string Identifier { get; set; } = "";
    public bool? Verify { get; set; }
}

public sealed class SignInSettings
{
    public List<SignInMethod> Methods { get; set; } = [new()];
}

public sealed class SignInMethod
{
    public string Identifier { get; set; } = "username";
    public bool Password { get; set; } = true;
    public bool VerificationCode { get; set; }
    public bool IsPasswordPrimary { get; set; } = true;
}

public sealed class PasswordPolicySettings
{
    public LengthSettings Length { get; set; } = new();
    public CharacterTypesSettings CharacterTypes { get; set; } = new();
    public RejectsSettings Rejects { get; set; } = new();
}

public sealed class LengthSettings
{
    public int Min { get; set; } = 8;
    public int Max { get; set; } = 256;
}

public sealed class CharacterTypesSettings
{
    public int Min { get; set; } = 1;
}

public sealed class RejectsSettings
{
    /// <summary>Logto asks HIBP; we check a bundled list of the most common passwords (no call leaves the platform).</summary>
    public bool Pwned { get; set; } = true;
    public bool RepetitionAndSequence { get; set; } = true;
    public bool UserInfo { get; set; } = true;
    public List<string> Words { get; set; } = [];
}

public sealed class UsernamePolicySettings
{
    public bool CaseSensitive { get; set; } = true;
    public int MinLength { get; set; } = 1;
    public int MaxLength { get; set; } = 128;
    public AllowedCharsSettings AllowedChars { get; set; } = new();
}

public sealed class AllowedCharsSettings
{
    public bool Lowercase { get; set; } = true;
    public bool Uppercase { get; set; } = true;
    public bool Numbers { get; set; } = true;
    public bool Underscore { get; set; } = true;
}

public sealed class VerificationCodePolicySettings
{
    public int ExpirationDuration { get; set; } = 600;
    public int MaxRetryAttempts { get; set; } = 10;
}

public sealed class SentinelPolicySettings
{
    public int MaxAttempts { get; set; } = 100;
    public int LockoutDuration { get; set; } = 60;
}

public sealed class BrandingSettings
{
    public string? DisplayName { get; set; }
    public string? LogoUrl { get; set; }
    public string? DarkLogoUrl { get; set; }
    public string? PrimaryColor { get; set; }
}

public sealed class LanguageInfoSettings
{
    public bool AutoDetect { get; set; } = true;
    public string FallbackLanguage { get; set; } = "en";
}

/// <summary>Logto's <c>mfa</c> column: the factors users may bind and when they are asked to.</summary>
public sealed class MfaSettings
{
    public List<string> Factors { get; set; } = [];
    public string Policy { get; set; } = MfaPolicies.UserControlled;
    /// <summary>Logto's <c>organizationRequiredMfaPolicy</c>: with <c>Mandatory</c>, members of an organization that requires
    /// MFA must bind a factor at sign-in even when <see cref="Policy"/> would let them skip.</summary>
    public string OrganizationRequiredMfaPolicy { get; set; } = OrganizationRequiredMfaPolicies.NoPrompt;

    public static readonly string[] SupportedFactors = ["Totp", "WebAuthn", "BackupCode", "EmailVerificationCode", "PhoneVerificationCode"];

    public static string? Validate(MfaSettings? m)
    {
        if (m?.Factors is null || m.Policy is null || m.OrganizationRequiredMfaPolicy is null) return "Sections may be changed but not set to null.";
        if (!MfaPolicies.All.Contains(m.Policy)) return "mfa.policy must be one of " + string.Join(", ", MfaPolicies.All) + ".";
        if (m.Factors.Any(f => !SupportedFactors.Contains(f)) || m.Factors.Distinct().Count() != m.Factors.Count)
            return "mfa.factors must be distinct values of " + string.Join(", ", SupportedFactors) + ".";
        if (!OrganizationRequiredMfaPolicies.All.Contains(m.OrganizationRequiredMfaPolicy))
            return "mfa.organizationRequiredMfaPolicy must be NoPrompt or Mandatory.";
        if (m.Factors.Count == 1 && m.Factors[0] == "BackupCode") return "mfa.factors: BackupCode cannot be the only factor.";
        if (m.Policy == MfaPolicies.Mandatory && m.Factors.Count == 0) return "mfa.policy Mandatory needs at least one factor.";
        return null;
    }
}

/// <summary>Logto's <c>MfaPolicy</c> names (UserControlled is its deprecated alias of PromptAtSignInAndSignUp).</summary>
public static class MfaPolicies
{
    public const string UserControlled = "UserControlled";
    public const string Mandatory = "Mandatory";
    public const string PromptAtSignInAndSignUp = "PromptAtSignInAndSignUp";
    public const string PromptOnlyAtSignIn = "PromptOnlyAtSignIn";
    public const string NoPrompt = "NoPrompt";
    public static readonly string[] All = [UserControlled, Mandatory, PromptAtSignInAndSignUp, PromptOnlyAtSignIn, NoPrompt];
}

public static class OrganizationRequiredMfaPolicies
{
    public const string NoPrompt = "NoPrompt";
    public const string Mandatory = "Mandatory";
    public static readonly string[] All = [NoPrompt, Mandatory];
}

public static class SignInModes
{
    public const string SignIn = "SignIn";
    public const string Register = "Register";
    public const string SignInAndRegister = "SignInAndRegister";
    public static readonly string[] All = [SignIn, Register, SignInAndRegister];
}

public static class AgreeToTermsPolicies
{
    public const string Automatic = "Automatic";
    public const string ManualRegistrationOnly = "ManualRegistrationOnly";
    public const string Manual = "Manual";
    public static readonly string[] All = [Automatic, ManualRegistrationOnly, Manual];
}

/// <summary>PATCH semantics (JSON merge patch, RFC 7396: objects merge, arrays and scalars replace) and the rules a row must keep.</summary>
public static class SignInExperienceRules
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly string[] Identifiers = ["username", "email", "phone"];
    private static readonly string[] SecondaryIdentifierNames = ["username", "email", "phone", "emailOrPhone"];

    /// <summary>Applies <paramref name="patch"/> to <paramref name="current"/>; returns the new settings or the reason they are refused.</summary>
    public static (SignInExperienceSettings? Settings, string? Error) Apply(SignInExperienceSettings current, JsonElement patch)
    {
        if (patch.ValueKind != JsonValueKind.Object) return (null, "The body must be a JSON object.");
        var node = JsonSerializer.SerializeToNode(current, Json)!.AsObject();
        Merge(node, JsonObject.Create(patch)!);
        SignInExperienceSettings? next;
        try { next = node.Deserialize<SignInExperienceSettings>(Json); }
        catch (JsonException e) { return (null, "Invalid field: " + (e.Path ?? e.Message)); }
        if (next is null) return (null, "The body must be a JSON object.");
        next.Id = current.Id;
        return Validate(next) is { } error ? (null, error) : (next, null);
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject patchObject && target[key] is JsonObject targetObject) Merge(targetObject, patchObject);
            else target[key] = value?.DeepClone();
        }
    }

    public static string? Validate(SignInExperienceSettings s)
    {
        if (!SignInModes.All.Contains(s.SignInMode)) return "signInMode must be SignIn, Register or SignInAndRegister.";
        if (!AgreeToTermsPolicies.All.Contains(s.AgreeToTermsPolicy)) return "agreeToTermsPolicy must be Automatic, ManualRegistrationOnly or Manual.";
        if (s.SignUp is null || s.SignIn?.Methods is null || s.PasswordPolicy?.Length is null || s.PasswordPolicy.CharacterTypes is null
            || s.PasswordPolicy.Rejects?.Words is null || s.UsernamePolicy?.AllowedChars is null || s.VerificationCodePolicy is null
            || s.SentinelPolicy is null || s.Branding is null || s.LanguageInfo is null || s.SignUp.Identifiers is null)
            return "Sections may be changed but not set to null.";
        if (s.SignUp.Identifiers.Any(i => !Identifiers.Contains(i)) || s.SignUp.Identifiers.Distinct().Count() != s.SignUp.Identifiers.Count)
            return "signUp.identifiers must be distinct values of username, email, phone.";
        // Logto's shapes: none, username, email, phone, or email+phone meaning "either"; more identifiers go in secondaryIdentifiers.
        if (s.SignUp.Identifiers.Contains("username") && s.SignUp.Identifiers.Count > 1)
            return "signUp.identifiers is [], [username], [email], [phone] or [email, phone]; ask for more with secondaryIdentifiers.";
        if (s.SignUp.Identifiers.Contains("username") && !s.SignUp.Password) return "signUp.password is required when signing up with a username.";
        if (s.SignUp.Identifiers.Any(i => i is "email" or "phone") && !s.SignUp.Verify)
            return "signUp.verify is required when signing up with an email or a phone: only verified addresses are stored.";
        if (s.SignUp.SecondaryIdentifiers is null || s.SignUp.SecondaryIdentifiers.Any(x => x is null || !SecondaryIdentifierNames.Contains(x.Identifier)))
            return "signUp.secondaryIdentifiers items are {identifier: username|email|phone|emailOrPhone, verify?}.";
        var secondary = s.SignUp.SecondaryIdentifiers.Select(x => x.Identifier).ToList();
        if (secondary.Distinct().Count() != secondary.Count || secondary.Any(s.SignUp.Identifiers.Contains)
            || secondary.Contains("emailOrPhone") && (secondary.Contains("email") || secondary.Contains("phone") || s.SignUp.Identifiers.Any(i => i is "email" or "phone")))
            return "signUp.secondaryIdentifiers must not repeat an identifier.";
        if (s.SignIn.Methods.Any(m => m is null || !Identifiers.Contains(m.Identifier))) return "signIn.methods identifiers are username, email or phone.";
        if (s.SignIn.Methods.Count == 0 && s.SignInMode != SignInModes.Register) return "signIn.methods may not be empty unless signInMode is Register.";
        if (s.SignIn.Methods.Select(m => m.Identifier).Distinct().Count() != s.SignIn.Methods.Count) return "signIn.methods identifiers must be distinct.";
        if (s.SignIn.Methods.Any(m => !m.Password && !m.VerificationCode)) return "Each sign-in method needs password or verificationCode.";
        if (s.SignIn.Methods.Any(m => m.Identifier == "username" && (!m.Password || m.VerificationCode)))
            return "A username signs in with a password only.";
        // A user who registered with an identifier must be able to sign in with it (Logto's console enforces the same).
        if (s.SignInMode != SignInModes.Register && s.SignUp.Identifiers.Any(i => s.SignIn.Methods.All(m => m.Identifier != i)))
            return "Every signUp identifier needs a signIn method.";
        if (s.ForgotPasswordMethods is null || s.ForgotPasswordMethods.Any(m => !ForgotPasswordMethodNames.All.Contains(m))
            || s.ForgotPasswordMethods.Distinct().Count() != s.ForgotPasswordMethods.Count)
            return "forgotPasswordMethods items are EmailVerificationCode or PhoneVerificationCode.";
        if (s.SignUp.Identifiers.Count == 0 && s.SignInMode != SignInModes.SignIn) return "Registration needs at least one signUp identifier.";

        var p = s.PasswordPolicy;
        if (p.Length.Min is < 1 or > 256 || p.Length.Max is < 1 or > 256) return "passwordPolicy.length.min and max must be within 1..256.";
        if (p.Length.Min > p.Length.Max) return "passwordPolicy.length.min must not exceed max.";
        if (p.CharacterTypes.Min is < 1 or > 4) return "passwordPolicy.characterTypes.min must be within 1..4.";
        if (p.Rejects.Words.Count > 100 || p.Rejects.Words.Any(w => string.IsNullOrWhiteSpace(w) || w.Length > 256))
            return "passwordPolicy.rejects.words: at most 100 non-empty words of at most 256 characters.";

        var u = s.UsernamePolicy;
        if (u.MinLength < 1 || u.MaxLength > 128 || u.MinLength > u.MaxLength) return "usernamePolicy lengths must satisfy 1 <= minLength <= maxLength <= 128.";
        if (!u.AllowedChars.Lowercase && !u.AllowedChars.Uppercase) return "usernamePolicy.allowedChars must allow letters (a username starts with one).";
        if (s.VerificationCodePolicy.ExpirationDuration is < 60 or > 3600) return "verificationCodePolicy.expirationDuration must be within 60..3600 seconds.";
        if (s.VerificationCodePolicy.MaxRetryAttempts is < 1 or > 100) return "verificationCodePolicy.maxRetryAttempts must be within 1..100.";
        if (s.SentinelPolicy.MaxAttempts is < 1 or > 10000) return "sentinelPolicy.maxAttempts must be within 1..10000.";
        if (s.SentinelPolicy.LockoutDuration is < 1 or > 10080) return "sentinelPolicy.lockoutDuration must be within 1..10080 minutes.";

        if (!IsHttpUrlOrNull(s.TermsOfUseUrl) || !IsHttpUrlOrNull(s.PrivacyPolicyUrl) || !IsHttpUrlOrNull(s.Branding.LogoUrl) || !IsHttpUrlOrNull(s.Branding.DarkLogoUrl))
            return "URLs must be absolute http(s) URLs.";
        if (s.AgreeToTermsPolicy != AgreeToTermsPolicies.Automatic && s.TermsOfUseUrl is null && s.PrivacyPolicyUrl is null)
            return "A manual terms agreement needs termsOfUseUrl or privacyPolicyUrl.";
        if (s.Branding.PrimaryColor is { } color && !System.Text.RegularExpressions.Regex.IsMatch(color, "^#[0-9a-fA-F]{6}\\z"))
            return "branding.primaryColor must be #RRGGBB.";
        if (s.Branding.DisplayName is { Length: > 128 }) return "branding.displayName is at most 128 characters.";
        if (s.LanguageInfo.FallbackLanguage is not { Length: >= 2 and <= 16 }) return "languageInfo.fallbackLanguage must be a language tag.";
        if (s.SocialSignIn is null || s.SocialSignInConnectorTargets is null) return "Sections may be changed but not set to null.";
        if (s.SocialSignInConnectorTargets.Count > 50 || s.SocialSignInConnectorTargets.Distinct().Count() != s.SocialSignInConnectorTargets.Count
            || s.SocialSignInConnectorTargets.Any(t => t is not { Length: >= 1 and <= 64 } || !t.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            return "socialSignInConnectorTargets: at most 50 distinct connector targets (letters, digits, '-' or '_').";
        return MfaSettings.Validate(s.Mfa);
    }

    private static bool IsHttpUrlOrNull(string? url) =>
        url is null || url.Length <= 2048 && Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);
}
