using Auth.Platform.Signin.Accounts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Oidc;

/// <summary>The user's claims as account holds them now, limited to what the granted scopes allow.</summary>
public static class UserClaims
{
    public static Dictionary<string, object?> For(AccountUser user, IReadOnlyCollection<string> scopes)
    {
        var claims = new Dictionary<string, object?> { [Claims.Subject] = user.Id };
        if (scopes.Contains(Scopes.Profile))
        {
            claims[Claims.Name] = user.Name;
            claims[Claims.Username] = user.Username;
            claims[Claims.Picture] = user.Avatar;
            // OIDC's updated_at is in seconds; account's times are Logto's epoch milliseconds.
            claims[Claims.UpdatedAt] = user.UpdatedAt is { } ms ? ms / 1000 : null;
        }
        if (scopes.Contains(Scopes.Email))
        {
            claims[Claims.Email] = user.PrimaryEmail;
            // Account only sets a primary email after verifying it (Logto's rule), so presence means verified.
            claims[Claims.EmailVerified] = user.PrimaryEmail is not null;
        }
        if (scopes.Contains(Scopes.Phone))
        {
            claims[Claims.PhoneNumber] = user.PrimaryPhone;
            claims[Claims.PhoneNumberVerified] = user.PrimaryPhone is not null;
        }
        return claims;
    }
}
