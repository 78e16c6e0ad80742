using Auth.Platform.Account.Identifiers;

namespace Auth.Platform.Account.Data;

/// <summary>A user of the directory. Identifiers are optional each, unique when present.</summary>
public sealed class User
{
    public required string Id { get; init; }
    /// <summary>Case-sensitive, as Logto by default.</summary>
    public string? Username { get; set; }
    /// <summary>As the user typed it (trimmed); uniqueness is on <see cref="PrimaryEmailNormalized"/>.</summary>
    public string? PrimaryEmail { get; set; }
    /// <summary><see cref="EmailAddressRules.TryNormalize"/> of <see cref="PrimaryEmail"/>: unique case-insensitively, IDN domains as punycode.</summary>
    public string? PrimaryEmailNormalized { get; set; }
    /// <summary>E.164 form (<c>+</c> and digits), from <see cref="PhoneNumberNormalizer"/>.</summary>
    public string? PrimaryPhone { get; set; }
    public string? Name { get; set; }
    public string? Avatar { get; set; }
    /// <summary>A JSON object (jsonb).</summary>
    public string CustomData { get; set; } = "{}";
    /// <summary>OIDC standard profile claims in Logto's shape (<see cref="Users.UserProfile"/>), a JSON object (jsonb).</summary>
    public string Profile { get; set; } = "{}";
    /// <summary>PHC string (<c>$argon2id$v=19$m=..,t=..,p=..$salt$hash</c>), or null for a passwordless user.</summary>
    public string? PasswordHash { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
    public bool IsSuspended { get; set; }

    public void SetPrimaryEmail(string? email)
    {
        PrimaryEmail = email;
        PrimaryEmailNormalized = email is null ? null
            : EmailAddressRules.TryNormalize(email) ?? throw new ArgumentException("Validate the email before storing it.", nameof(email));
    }
}
