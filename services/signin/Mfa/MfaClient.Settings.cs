namespace Auth.Platform.Signin.Mfa;

// TEMPORARY lead copy of the mfamgmt helper's contract; replaced by the helper's file at merge.
public sealed record MfaUserSettings(bool Skipped, bool SkipMfaOnSignIn, bool PasskeySkipped);

public sealed partial class MfaClient
{
    public async Task<MfaUserSettings> GetSettingsAsync(string userId, CancellationToken ct)
    {
        try { return await SendAsync<MfaUserSettings>(HttpMethod.Get, $"/internal/mfa/users/{E(userId)}/settings", null, ct); }
        catch (MfaRefusedException e) when (e.Status is 404 or 405) { return new(false, false, false); }
    }

    public async Task<MfaUserSettings> UpdateSettingsAsync(string userId, bool? skipped, bool? skipMfaOnSignIn, bool? passkeySkipped, CancellationToken ct)
    {
        try { return await SendAsync<MfaUserSettings>(HttpMethod.Patch, $"/internal/mfa/users/{E(userId)}/settings", new { skipped, skipMfaOnSignIn, passkeySkipped }, ct); }
        catch (MfaRefusedException e) when (e.Status is 404 or 405) { return new(false, false, false); }
    }
}
