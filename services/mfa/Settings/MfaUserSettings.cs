using Auth.Platform.Mfa.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Mfa.Settings;

/// <summary>
/// A user's MFA choices, Logto's <c>logto_config.mfa</c> and <c>passkeySignIn</c>: kept here because mfa owns all MFA
/// state. No row = every flag false. Whether MFA is <c>enabled</c> is not stored: it is "has a factor".
/// </summary>
public sealed class MfaUserSettings
{
    public required string UserId { get; init; }
    /// <summary>The user skipped binding a factor when the policy let them (asked once, Logto's <c>mfa.skipped</c>).</summary>
    public bool Skipped { get; set; }
    /// <summary>The user asked not to be asked for a factor at sign-in (Logto's <c>mfa.skipMfaOnSignIn</c>).</summary>
    public bool SkipMfaOnSignIn { get; set; }
    /// <summary>The user declined to create a passkey for sign-in (Logto's <c>passkeySignIn.skipped</c>).</summary>
    public bool PasskeySkipped { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What a PATCH asks to change; null = leave as is.</summary>
public sealed record MfaUserSettingsChange(bool? Skipped, bool? SkipMfaOnSignIn, bool? PasskeySkipped)
{
    public bool IsEmpty => Skipped is null && SkipMfaOnSignIn is null && PasskeySkipped is null;
}

/// <summary>Reads and changes <see cref="MfaUserSettings"/>; shared by the internal API (signin) and the Management API.</summary>
public sealed class MfaUserSettingsStore(MfaDbContext db, TimeProvider clock)
{
    public async Task<MfaUserSettings> GetAsync(string userId, CancellationToken ct) =>
        await db.UserSettings.AsNoTracking().FirstOrDefaultAsync(s => s.UserId == userId, ct) ?? new MfaUserSettings { UserId = userId };

    /// <summary>
    /// One upsert statement: two concurrent first changes of a user cannot collide on the key, and each changes only the
    /// flags it names (a PATCH of <c>skipped</c> never undoes a concurrent PATCH of <c>skipMfaOnSignIn</c>).
    /// </summary>
    public async Task<MfaUserSettings> UpdateAsync(string userId, MfaUserSettingsChange change, CancellationToken ct)
    {
        if (change.IsEmpty) return await GetAsync(userId, ct);
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO mfa_user_settings (user_id, skipped, skip_mfa_on_sign_in, passkey_skipped, updated_at)
            VALUES ({userId}, COALESCE({change.Skipped}::boolean, false), COALESCE({change.SkipMfaOnSignIn}::boolean, false),
                    COALESCE({change.PasskeySkipped}::boolean, false), {now})
            ON CONFLICT (user_id) DO UPDATE SET
                skipped = COALESCE({change.Skipped}::boolean, mfa_user_settings.skipped),
                skip_mfa_on_sign_in = COALESCE({change.SkipMfaOnSignIn}::boolean, mfa_user_settings.skip_mfa_on_sign_in),
                passkey_skipped = COALESCE({change.PasskeySkipped}::boolean, mfa_user_settings.passkey_skipped),
                updated_at = EXCLUDED.updated_at
            """, ct);
        return await GetAsync(userId, ct);
    }
}
