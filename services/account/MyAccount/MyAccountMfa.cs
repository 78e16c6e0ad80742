using System.Security.Claims;
using System.Text.Json.Serialization;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Users;
using Auth.Platform.Account.Verifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.MyAccount;

public sealed record MfaConfig(bool Enabled, bool Skipped, bool SkipMfaOnSignIn);
public sealed record PasskeySignInConfig(bool Skipped);
public sealed record LogtoConfigsResponse(MfaConfig Mfa, PasskeySignInConfig PasskeySignIn);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MfaConfigPatch(bool? Skipped = null, bool? SkipMfaOnSignIn = null);
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PasskeySignInConfigPatch(bool? Skipped = null);
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LogtoConfigsPatch(MfaConfigPatch? Mfa = null, PasskeySignInConfigPatch? PasskeySignIn = null);

public sealed record MfaSettingsResponse(bool SkipMfaOnSignIn);
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MfaSettingsPatch(bool? SkipMfaOnSignIn);

public sealed record MfaVerificationResponse(string Id, string Type, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, int? RemainCodes);

/// <summary>
/// The MFA part of Logto's Account API, over mfa's internal API (<see cref="MfaClient"/>): <c>GET|PATCH /logto-configs</c>,
/// <c>GET|PATCH /mfa-settings</c>, <c>GET /mfa-verifications</c>, <c>DELETE /mfa-verifications/{id}</c>. Field <c>mfa</c>
/// (reads: not <c>Off</c>; writes: <c>Edit</c>) and scope <c>identities</c>, as Logto; changing <c>mfa-settings</c> and
/// removing a factor need a step-up record.
/// </summary>
public static class MyAccountMfa
{
    /// <summary>Logto's scope for a user's identities and MFA factors in the Account API.</summary>
    public const string Scope = "identities";

    public static RouteGroupBuilder MapMyAccountMfa(this RouteGroupBuilder myAccount)
    {
        myAccount.MapGet("/logto-configs", GetConfigs);
        myAccount.MapPatch("/logto-configs", UpdateConfigs);
        myAccount.MapGet("/mfa-settings", GetSettings);
        myAccount.MapPatch("/mfa-settings", UpdateSettings);
        myAccount.MapGet("/mfa-verifications", ListFactors);
        myAccount.MapDelete("/mfa-verifications/{id}", DeleteFactor);
        return myAccount;
    }

    private static async Task<ProblemHttpResult?> ReadableAsync(ClaimsPrincipal principal, AccountDbContext db, CancellationToken ct)
    {
        var center = await AccountCenter.AccountCenterApi.ReadAsync(db, ct);
        if (!center.Enabled) return MyAccountApi.NotEnabled();
        if (!principal.HasScope(Scope)) return MyAccountApi.MissingScope(Scope);
        var access = AccountCenter.AccountCenterResponse.From(center).Fields.GetValueOrDefault("mfa");
        return access is null or AccountCenter.AccountCenterFieldAccess.Off ? MyAccountApi.FieldNotEditable("mfa") : null;
    }

    private static async Task<ProblemHttpResult?> EditableAsync(ClaimsPrincipal principal, AccountDbContext db, CancellationToken ct) =>
        await MyAccountApi.EditableAsync(principal, db, "mfa", ct) ?? (principal.HasScope(Scope) ? null : MyAccountApi.MissingScope(Scope));

    private static string UserId(ClaimsPrincipal principal) => principal.FindFirst("sub")!.Value;

    private static async Task<LogtoConfigsResponse> ConfigsAsync(MfaClient mfa, string userId, MfaSettings settings, CancellationToken ct) =>
        new(new MfaConfig((await mfa.ListFactorsAsync(userId, ct)).Length > 0, settings.Skipped, settings.SkipMfaOnSignIn),
            new PasskeySignInConfig(settings.PasskeySkipped));

    private static async Task<Results<Ok<LogtoConfigsResponse>, ProblemHttpResult>> GetConfigs(ClaimsPrincipal principal, AccountDbContext db, MfaClient mfa,
        CancellationToken ct)
    {
        if (await ReadableAsync(principal, db, ct) is { } refused) return refused;
        return TypedResults.Ok(await ConfigsAsync(mfa, UserId(principal), await mfa.GetSettingsAsync(UserId(principal), ct), ct));
    }

    /// <summary>Only the flags given change; <c>mfa.enabled</c> is derived (the user has a factor) and refused as unknown.</summary>
    private static async Task<Results<Ok<LogtoConfigsResponse>, ProblemHttpResult>> UpdateConfigs(LogtoConfigsPatch body, ClaimsPrincipal principal,
        AccountDbContext db, MfaClient mfa, CancellationToken ct)
    {
        if (await EditableAsync(principal, db, ct) is { } refused) return refused;
        var settings = await mfa.UpdateSettingsAsync(UserId(principal), body.Mfa?.Skipped, body.Mfa?.SkipMfaOnSignIn, body.PasskeySignIn?.Skipped, ct);
        return TypedResults.Ok(await ConfigsAsync(mfa, UserId(principal), settings, ct));
    }

    private static async Task<Results<Ok<MfaSettingsResponse>, ProblemHttpResult>> GetSettings(ClaimsPrincipal principal, AccountDbContext db, MfaClient mfa,
        CancellationToken ct)
    {
        if (await ReadableAsync(principal, db, ct) is { } refused) return refused;
        return TypedResults.Ok(new MfaSettingsResponse((await mfa.GetSettingsAsync(UserId(principal), ct)).SkipMfaOnSignIn));
    }

    /// <summary>Turning MFA off at sign-in weakens the account: step-up first (Logto's rule).</summary>
    private static async Task<Results<Ok<MfaSettingsResponse>, ProblemHttpResult>> UpdateSettings(MfaSettingsPatch body, HttpRequest http,
        ClaimsPrincipal principal, AccountDbContext db, StepUp stepUp, MfaClient mfa, CancellationToken ct)
    {
        if (await EditableAsync(principal, db, ct) is { } refused) return refused;
        if (await stepUp.RequireAsync(http, principal, ct) is { } denied) return denied;
        if (body.SkipMfaOnSignIn is not { } skip) return UserErrors.InvalidInput("skipMfaOnSignIn (boolean) is required.");
        return TypedResults.Ok(new MfaSettingsResponse((await mfa.UpdateSettingsAsync(UserId(principal), null, skip, null, ct)).SkipMfaOnSignIn));
    }

    private static async Task<Results<Ok<MfaVerificationResponse[]>, ProblemHttpResult>> ListFactors(ClaimsPrincipal principal, AccountDbContext db,
        MfaClient mfa, CancellationToken ct)
    {
        if (await ReadableAsync(principal, db, ct) is { } refused) return refused;
        var factors = await mfa.ListFactorsAsync(UserId(principal), ct);
        return TypedResults.Ok(factors.Select(f => new MfaVerificationResponse(f.Id, f.Type, f.Name, DateTimeOffset.FromUnixTimeMilliseconds(f.CreatedAt),
            f.LastUsedAt is { } used ? DateTimeOffset.FromUnixTimeMilliseconds(used) : null, f.RemainCodes)).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteFactor(string id, HttpRequest http, ClaimsPrincipal principal, AccountDbContext db,
        StepUp stepUp, MfaClient mfa, CancellationToken ct)
    {
        if (await EditableAsync(principal, db, ct) is { } refused) return refused;
        if (await stepUp.RequireAsync(http, principal, ct) is { } denied) return denied;
        if (id is not { Length: > 0 and <= 64 }) return UserErrors.InvalidInput("id is invalid.");
        return await mfa.DeleteFactorAsync(UserId(principal), id, ct) is { } missing ? missing : TypedResults.NoContent();
    }
}
