using Auth.Platform.Mfa.Factors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Mfa.Settings;

public sealed record MfaUserSettingsResponse(bool Skipped, bool SkipMfaOnSignIn, bool PasskeySkipped)
{
    public static MfaUserSettingsResponse From(MfaUserSettings s) => new(s.Skipped, s.SkipMfaOnSignIn, s.PasskeySkipped);
}

[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
public sealed record MfaUserSettingsPatch(bool? Skipped = null, bool? SkipMfaOnSignIn = null, bool? PasskeySkipped = null);

/// <summary>A user's MFA settings for signin's skip policies (service tokens only, never routed by the gateway).</summary>
public static class MfaSettingsInternalApi
{
    public static IEndpointRouteBuilder MapMfaSettingsInternalApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/mfa/users/{userId}/settings").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: MFA");
        group.MapGet("/", Get);
        group.MapPatch("/", Update);
        return app;
    }

    private static async Task<Results<Ok<MfaUserSettingsResponse>, ProblemHttpResult>> Get(string userId, MfaUserSettingsStore store, CancellationToken ct) =>
        MfaInternalApi.ValidUserId(userId)
            ? TypedResults.Ok(MfaUserSettingsResponse.From(await store.GetAsync(userId, ct)))
            : PlatformProblems.Create(400, "guard.invalid_input", "userId is invalid.");

    private static async Task<Results<Ok<MfaUserSettingsResponse>, ProblemHttpResult>> Update(string userId, MfaUserSettingsPatch body, MfaUserSettingsStore store,
        CancellationToken ct)
    {
        if (!MfaInternalApi.ValidUserId(userId)) return PlatformProblems.Create(400, "guard.invalid_input", "userId is invalid.");
        var updated = await store.UpdateAsync(userId, new MfaUserSettingsChange(body.Skipped, body.SkipMfaOnSignIn, body.PasskeySkipped), ct);
        return TypedResults.Ok(MfaUserSettingsResponse.From(updated));
    }
}
