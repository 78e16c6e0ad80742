namespace Auth.Platform.Signin.Mfa;

/// <summary>A user's MFA choices as mfa stores them (Logto's <c>logto_config.mfa</c> and <c>passkeySignIn.skipped</c>).</summary>
public sealed record MfaUserSettings(bool Skipped, bool SkipMfaOnSignIn, bool PasskeySkipped);

/// <summary>mfa's <c>/internal/mfa/users/{userId}/settings</c>: what the Experience API's skip policies read and write.</summary>
public sealed partial class MfaClient
{
    /// <summary>A user mfa has never seen has every flag false.</summary>
    public Task<MfaUserSettings> GetSettingsAsync(string userId, CancellationToken ct) =>
        SendAsync<MfaUserSettings>(HttpMethod.Get, $"/internal/mfa/users/{E(userId)}/settings", null, ct);

    /// <summary>Changes only the flags given (null = unchanged, sent as null) and answers the settings after the change.</summary>
    public Task<MfaUserSettings> UpdateSettingsAsync(string userId, bool? skipped, bool? skipMfaOnSignIn, bool? passkeySkipped, CancellationToken ct) =>
        SendAsync<MfaUserSettings>(HttpMethod.Patch, $"/internal/mfa/users/{E(userId)}/settings", new { skipped, skipMfaOnSignIn, passkeySkipped }, ct);
}
