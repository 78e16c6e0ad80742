using Auth.Platform.Signin.SignInExperience;

namespace Auth.Platform.Signin.Experience;

/// <summary>What a user has, as far as the sign-up rules care.</summary>
public sealed record ProfileSnapshot(string? Username, string? PrimaryEmail, string? PrimaryPhone, bool HasPassword);

/// <summary>
/// Logto's mandatory-profile rule: what the sign-up settings require that a user lacks. It applies to new users at
/// registration and to returning users at sign-in (settings may have become stricter since they registered).
/// </summary>
public static class ProfileRequirements
{
    /// <returns>Logto's <c>missingProfile</c> names: <c>username</c>, <c>email</c>, <c>phone</c>, <c>emailOrPhone</c>, <c>password</c>.</returns>
    public static List<string> Missing(SignUpSettings signUp, ProfileSnapshot profile)
    {
        var missing = new List<string>();
        var identifiers = signUp.Identifiers;
        if (identifiers.Contains("username") && profile.Username is null) missing.Add("username");
        var (email, phone) = (identifiers.Contains("email"), identifiers.Contains("phone"));
        if (email && phone) { if (profile.PrimaryEmail is null && profile.PrimaryPhone is null) missing.Add("emailOrPhone"); }
        else if (email && profile.PrimaryEmail is null) missing.Add("email");
        else if (phone && profile.PrimaryPhone is null) missing.Add("phone");
        foreach (var secondary in signUp.SecondaryIdentifiers)
        {
            var lacks = secondary.Identifier switch
            {
                "username" => profile.Username is null,
                "email" => profile.PrimaryEmail is null,
                "phone" => profile.PrimaryPhone is null,
                "emailOrPhone" => profile.PrimaryEmail is null && profile.PrimaryPhone is null,
                _ => false,
            };
            if (lacks && !missing.Contains(secondary.Identifier)) missing.Add(secondary.Identifier);
        }
        if (signUp.Password && !profile.HasPassword) missing.Add("password");
        return missing;
    }
}
