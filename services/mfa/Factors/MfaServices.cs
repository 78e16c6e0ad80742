using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Mfa.Data;
using Auth.Platform.Mfa.Settings;
using Auth.Platform.Mfa.WebAuthn;
using Fido2NetLib;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Auth.Platform.Mfa.Factors;

public static class MfaServices
{
    public static IHostApplicationBuilder AddMfaServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformJwtAuthentication();
        builder.AddPlatformDbContext<MfaDbContext>("mfadb");
        builder.AddPlatformMessaging<MfaDbContext>("mfa", x => x.AddConsumer<UserDeletedConsumer>());
        builder.Services.AddDataProtection()
            // Fixed name: every replica and restart must derive the same purposes to read the stored TOTP secrets.
            .SetApplicationName("auth-platform-mfa")
            .PersistKeysToDbContext<MfaDbContext>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<MfaOptions>(builder.Configuration.GetSection("Mfa"));
        builder.Services.AddSingleton(services => RelyingPartyFrom(
            services.GetRequiredService<IOptions<MfaOptions>>().Value.WebAuthn, services.GetRequiredService<IConfiguration>().GetPublicUrl()));
        builder.Services.AddSingleton<IFido2>(services => new Fido2(services.GetRequiredService<RelyingParty>().ToFido2Configuration()));
        builder.Services.AddSingleton<WebAuthnCeremonies>();
        builder.Services.AddScoped<AttemptGuard>();
        builder.Services.AddScoped<MfaUserSettingsStore>();
        // The Management routes' document (/openapi/v1.json), like signin's.
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>RP ID = the public URL's host unless configured; origins = the public URL's origin plus the related ones.</summary>
    public static RelyingParty RelyingPartyFrom(WebAuthnSettings settings, string publicUrl)
    {
        var uri = new Uri(publicUrl);
        var origin = uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        return new RelyingParty(settings.RpId ?? uri.Host, settings.RpName, [origin, .. settings.RelatedOrigins.Select(o => o.TrimEnd('/'))],
            !string.Equals(settings.UserVerification, "preferred", StringComparison.OrdinalIgnoreCase), settings.TimeoutSeconds);
    }
}

/// <summary>
/// Purges the user's factors, codes, pending ceremonies, MFA settings and attempt rows; the inbox makes a redelivery a
/// no-op. The attempts go too: account never reuses a user id (12 random characters), so no lockout can be reset by
/// it, and a deleted user leaves no trace (issue 13 pt 5).
/// </summary>
public sealed class UserDeletedConsumer(MfaDbContext db) : IdempotentConsumer<UserDeleted, MfaDbContext>(db)
{
    protected override async Task HandleAsync(UserDeleted message, CancellationToken cancellationToken)
    {
        Db.BackupCodes.RemoveRange(await Db.BackupCodes.Where(c => c.UserId == message.UserId).ToListAsync(cancellationToken));
        Db.Factors.RemoveRange(await Db.Factors.Where(f => f.UserId == message.UserId).ToListAsync(cancellationToken));
        Db.Challenges.RemoveRange(await Db.Challenges.Where(c => c.UserId == message.UserId).ToListAsync(cancellationToken));
        Db.UserSettings.RemoveRange(await Db.UserSettings.Where(s => s.UserId == message.UserId).ToListAsync(cancellationToken));
        await Db.Attempts.Where(a => a.UserId == message.UserId).ExecuteDeleteAsync(cancellationToken);
    }
}
