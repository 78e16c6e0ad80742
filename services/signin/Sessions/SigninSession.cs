namespace Auth.Platform.Signin.Sessions;

/// <summary>A browser's sign-in session at the provider (what Logto and oidc-provider call the OP session).</summary>
public sealed class SigninSession
{
    /// <summary>The public <c>sid</c> put in ID tokens (and, later, logout tokens); never the cookie value.</summary>
    public required string Id { get; init; }
    /// <summary>SHA-256 of the cookie value, base64url.</summary>
    public required string CookieHash { get; init; }
    public required string UserId { get; init; }
    public required DateTimeOffset AuthTime { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Client ids that received tokens in this session (for back-channel logout).</summary>
    public List<string> Clients { get; set; } = [];
}
