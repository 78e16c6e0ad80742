namespace Auth.Platform.Account.AccountCenter;

/// <summary>
/// What the Account API lets a user see and change (Logto's <c>account_centers</c>). One row, id <c>default</c>;
/// absent until an admin changes it, which reads as Logto's seed: disabled, every field <c>Off</c>.
/// </summary>
public sealed class AccountCenterSettings
{
    public const string DefaultId = "default";

    public required string Id { get; init; }
    public bool Enabled { get; set; }
    /// <summary>A JSON object: field name → <see cref="AccountCenterFieldAccess"/> name. A field not set counts as <c>Off</c>.</summary>
    public string Fields { get; set; } = "{}";
    /// <summary>Where the hosted account center's "Delete account" links to (Logto's), if anywhere.</summary>
    public string? DeleteAccountUrl { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Logto's per-field control values.</summary>
public static class AccountCenterFieldAccess
{
    public const string Off = "Off";
    public const string ReadOnly = "ReadOnly";
    public const string Edit = "Edit";
    public static readonly string[] All = [Off, ReadOnly, Edit];
}

/// <summary>The fields an account center controls: the list plus Logto 1.46's passkey, trusted device and PAT fields.</summary>
public static class AccountCenterFields
{
    public static readonly string[] All =
        ["name", "avatar", "profile", "email", "phone", "password", "username", "social", "customData", "mfa", "passkey", "session",
         "trustedDevice", "personalAccessToken"];
}
