using Microsoft.AspNetCore.DataProtection;
using System.Text.RegularExpressions;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Steps;

/// <summary>Register's identification: creates the user from the identifying record plus the profile collected so far.</summary>
public static class Registration
{
    /// <summary>
    /// Creates the user once the sign-up settings are satisfied (422 <c>user.missing_profile</c> lists what is still
    /// needed). The created user is the interaction's user snapshot: no read from account follows.
    /// </summary>
    internal static async Task<Results<NoContent, Created, ProblemHttpResult>> RegisterAsync(
        ExperienceContext c, Interaction interaction, VerificationRecord record, SignInExperienceSettings settings)
    {
        if (!Accepts(settings.SignUp, record.IdentifierType)) return SignUpMethodNotEnabled();
        var profile = interaction.Profile;
        var username = record.IdentifierType == "username" ? record.IdentifierValue : profile.Username;
        var email = record.IdentifierType == "email" ? record.IdentifierValue : profile.PrimaryEmail;
        var phone = record.IdentifierType == "phone" ? record.IdentifierValue : profile.PrimaryPhone;
        var protectedPassword = record.ProtectedPassword ?? profile.ProtectedPassword;
        if (VerificationTypes.IsCode(record.Type) && await c.Account.IdentifierExistsAsync(new AccountIdentifier(record.IdentifierType, record.IdentifierValue), c.Cancellation))
            // The hosted UI turns this into "sign in instead?" (PUT interaction-event SignIn, then identification again).
            return PlatformProblems.Create(422, $"user.{record.IdentifierType}_already_in_use", $"This {record.IdentifierType} is associated with an existing account.");
        var missing = ProfileRequirements.Missing(settings.SignUp, new ProfileSnapshot(username, email, phone, protectedPassword is not null));
        if (missing.Count > 0) return MissingProfile(missing);

        AccountUser user;
        try
        {
            user = await c.Account.CreateUserAsync(new NewAccountUser(username, email, phone,
                protectedPassword is null ? null : c.PasswordProtector.Unprotect(protectedPassword)), c.Cancellation);
        }
        catch (AccountProblemException e) when (e.Status is 400 or 422)
        {
            return PlatformProblems.Create(e.Status, e.Code, e.Message);
        }
        // Consumed: password ciphertexts leave Redis as soon as the user exists.
        interaction.VerificationRecords.Remove(record);
        interaction.Profile = new();
        interaction.Identify(user.Id, new FirstFactor(record.Type, record.IdentifierValue), UserSnapshot.From(user));
        await c.SaveAsync(interaction);
        return TypedResults.Created();
    }

    /// <summary>Whether the sign-up settings take this identifier type (as the identifier, or as a secondary one).</summary>
    internal static bool Accepts(SignUpSettings signUp, string identifierType) =>
        signUp.Identifiers.Contains(identifierType)
        || signUp.SecondaryIdentifiers.Any(s => s.Identifier == identifierType || s.Identifier == "emailOrPhone" && identifierType is "email" or "phone");
}

public static partial class UsernameRule
{
    public const int MaxLength = 128;
    public static bool IsValid(string username) => username.Length is > 0 and <= MaxLength && Pattern().IsMatch(username);

    /// <summary>
    /// The tenant's <c>usernamePolicy</c> on top of the fixed rule (which account enforces too): length bounds and which
    /// character classes are allowed. Returns why the username is refused, or null.
    /// </summary>
    public static string? Violation(string username, UsernamePolicySettings policy)
    {
        if (!IsValid(username)) return "A username is letters, digits and underscores, does not start with a digit, and has at most 128 characters.";
        if (username.Length < policy.MinLength || username.Length > policy.MaxLength)
            return $"A username has {policy.MinLength} to {policy.MaxLength} characters.";
        var allowed = policy.AllowedChars;
        foreach (var ch in username)
        {
            var ok = ch switch
            {
                >= 'a' and <= 'z' => allowed.Lowercase,
                >= 'A' and <= 'Z' => allowed.Uppercase,
                >= '0' and <= '9' => allowed.Numbers,
                '_' => allowed.Underscore,
                _ => false,
            };
            if (!ok) return "The username uses characters the policy does not allow.";
        }
        return null;
    }

    // \z, not $: in .NET $ also matches before a final newline, which would admit "alice\n".
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
