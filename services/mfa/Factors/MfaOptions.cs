namespace Auth.Platform.Mfa.Factors;

/// <summary>Configuration section <c>Mfa</c>.</summary>
public sealed class MfaOptions
{
    /// <summary>Failed attempts per (user, factor type) since the last success, within <see cref="WindowMinutes"/>, before a lockout.</summary>
    public int MaxFailures { get; set; } = 10;
    public int WindowMinutes { get; set; } = 60;
    public int LockoutMinutes { get; set; } = 15;
    /// <summary>TOTP and backup-code enrolments: time to scan and confirm.</summary>
    public int EnrolmentLifetimeSeconds { get; set; } = 600;
    /// <summary>The issuer label authenticator apps show next to the account.</summary>
    public string TotpIssuer { get; set; } = "Auth.Platform";
    public WebAuthnSettings WebAuthn { get; set; } = new();
}

public sealed class WebAuthnSettings
{
    /// <summary>Null = the host of <c>Platform:PublicUrl</c>.</summary>
    public string? RpId { get; set; }
    public string RpName { get; set; } = "Auth.Platform";
    /// <summary>Origins other than the public URL's that may run ceremonies (exact strings, e.g. <c>https://app.example.com</c>).</summary>
    public string[] RelatedOrigins { get; set; } = [];
    /// <summary>Ceremony timeout given to the browser; the server-side challenge lives a little longer (W-R1).</summary>
    public int TimeoutSeconds { get; set; } = 120;
    /// <summary><c>required</c> (Logto's choice) or <c>preferred</c>.</summary>
    public string UserVerification { get; set; } = "required";
}
