using System.Text.Json.Serialization;
using Auth.Platform.Mfa.Data;
using Auth.Platform.Mfa.Factors;
using Auth.Platform.Mfa.Settings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Mfa.Management;

public sealed record LogtoConfigsResponse(MfaConfig Mfa, PasskeySignInConfig PasskeySignIn);
/// <param name="Enabled">Derived, not stored: the user has at least one factor.</param>
public sealed record MfaConfig(bool Enabled, bool Skipped, bool SkipMfaOnSignIn);
public sealed record PasskeySignInConfig(bool Skipped);

/// <summary>Unknown properties are refused (400), so a misspelt flag is not silently ignored; <c>mfa.enabled</c> is read-only.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LogtoConfigsPatch(MfaConfigPatch? Mfa = null, PasskeySignInConfigPatch? PasskeySignIn = null);
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MfaConfigPatch(bool? Skipped = null, bool? SkipMfaOnSignIn = null);
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PasskeySignInConfigPatch(bool? Skipped = null);

/// <summary>
/// Logto's per-user MFA settings in the Management API (<c>/api/users/{userId}/logto-configs</c>, its <c>mfa</c> and
/// <c>passkeySignIn</c> parts): how an admin resets a user's "skipped" choice so the sign-in asks again.
/// </summary>
public static class ManagementLogtoConfigsApi
{
    public static IEndpointRouteBuilder MapManagementLogtoConfigsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users/{userId}/logto-configs").RequireAuthorization(PlatformPolicies.Management)
            .WithTags("User MFA verifications");
        group.MapGet("/", Get).ProducesProblem(400);
        group.MapPatch("/", Update).ProducesProblem(400);
        return app;
    }

    private static async Task<Results<Ok<LogtoConfigsResponse>, ProblemHttpResult>> Get(string userId, MfaUserSettingsStore settings, MfaDbContext db, CancellationToken ct)
    {
        if (!MfaInternalApi.ValidUserId(userId)) return PlatformProblems.Create(400, "guard.invalid_input", "userId is invalid.");
        return TypedResults.Ok(await ResponseAsync(userId, await settings.GetAsync(userId, ct), db, ct));
    }

    private static async Task<Results<Ok<LogtoConfigsResponse>, ProblemHttpResult>> Update(string userId, LogtoConfigsPatch body,
        MfaUserSettingsStore settings, MfaDbContext db, CancellationToken ct)
    {
        if (!MfaInternalApi.ValidUserId(userId)) return PlatformProblems.Create(400, "guard.invalid_input", "userId is invalid.");
        var updated = await settings.UpdateAsync(userId, new MfaUserSettingsChange(body.Mfa?.Skipped, body.Mfa?.SkipMfaOnSignIn, body.PasskeySignIn?.Skipped), ct);
        return TypedResults.Ok(await ResponseAsync(userId, updated, db, ct));
    }

    private static async Task<LogtoConfigsResponse> ResponseAsync(string userId, MfaUserSettings s, MfaDbContext db, CancellationToken ct) =>
        new(new MfaConfig(await db.Factors.AnyAsync(f => f.UserId == userId, ct), s.Skipped, s.SkipMfaOnSignIn), new PasskeySignInConfig(s.PasskeySkipped));
}
