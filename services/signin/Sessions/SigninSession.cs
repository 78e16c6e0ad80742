namespace Auth.Platform.Signin.Sessions;

/// <summary>A browser's sign-in session at the provider (what Logto and oidc-provider call the OP session).</summary>
public sealed class SigninSession
{
    /// <summary>The public <c>sid</c> put in ID tokens and logout tokens; never the cookie value.</summary>
    public required string Id { get; init; }
    /// <summary>SHA-256 of the cookie value, base64url. Replaced (with the cookie) on every authentication.</summary>
    public required string CookieHash { get; set; }
    public required string UserId { get; init; }
    public required DateTimeOffset AuthTime { get; set; }
    public required DateTimeOffset ExpiresAt { get; set; }
    /// <summary>Client ids that received tokens in this session (for back-channel logout).</summary>
    public List<string> Clients { get; set; } = [];
    /// <summary>OpenIddict authorizations created in this session: those without <c>offline_access</c> end with it.</summary>
    public List<string> AuthorizationIds { get; set; } = [];
    /// <summary>How the user authenticated at <see cref="AuthTime"/> (RFC 8176 values; <c>mfa</c> when a second factor or a
    /// passkey was used). Tokens carry it as <c>amr</c>; an organization that requires MFA checks it.</summary>
    public List<string> Amr { get; set; } = [];
}

/// <summary>Why a session ended (logged; the same vocabulary for every path that ends sessions).</summary>
public static class SessionEndReasons
{
    public const string SignOut = "sign_out";
    public const string ReplacedByAnotherUser = "replaced_by_another_user";
    public const string UserUnavailable = "user_unavailable";
    public const string RevokedByUser = "revoked_by_user";
    public const string RevokedByAdmin = "revoked_by_admin";
    public const string UserDeleted = "user_deleted";
    public const string UserSuspended = "user_suspended";
    public const string PasswordReset = "password_reset";
    public const string PasswordChanged = "password_changed";
}
