using System.Text.Json;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Users;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.Identities;

/// <summary>Logto's <c>identities[target]</c> item.</summary>
public sealed record IdentityResponse(string UserId, JsonElement Details);
/// <summary>Logto's <c>ssoIdentities</c> item (its <c>user_sso_identities</c> row).</summary>
public sealed record SsoIdentityResponse(string Id, string UserId, string Issuer, string IdentityId, string SsoConnectorId, JsonElement Detail, long CreatedAt, long UpdatedAt);

/// <summary>A social identity to write: the provider's user id under a target, and what it said of the user.</summary>
public sealed record SocialIdentityInput(string? Target, string? IdentityId, JsonElement? Details);
/// <summary>An enterprise identity to write: the IdP (issuer) and its user id, through a connector.</summary>
public sealed record SsoIdentityInput(string? SsoConnectorId, string? Issuer, string? IdentityId, JsonElement? Detail);
/// <summary>Name and avatar the IdP gave, written when the connector syncs profiles (Logto's <c>syncProfile</c>); null leaves a value alone.</summary>
public sealed record SyncedProfile(string? Name, string? Avatar);

/// <summary>
/// The identities of users: lookup by (target, id) or (issuer, id), link (insert or refresh the details), unlink, and the
/// Logto shapes. A link never moves an identity between users: the unique keys make a second claim 422
/// <c>user.identity_already_in_use</c>, concurrent ones included.
/// </summary>
public sealed class UserIdentities(AccountDbContext db, UserDirectory directory, TimeProvider clock)
{
    public Task<string?> FindUserIdAsync(string target, string identityId, CancellationToken ct) =>
        db.UserIdentities.AsNoTracking().Where(i => i.Target == target && i.IdentityId == identityId).Select(i => i.UserId).FirstOrDefaultAsync(ct);

    public Task<string?> FindSsoUserIdAsync(string issuer, string identityId, CancellationToken ct) =>
        db.UserSsoIdentities.AsNoTracking().Where(i => i.Issuer == issuer && i.IdentityId == identityId).Select(i => i.UserId).FirstOrDefaultAsync(ct);

    /// <summary>Adds (or refreshes) the user's identity for the target in the unit of work; the caller saves.</summary>
    public async Task<ProblemHttpResult?> StageSocialAsync(User user, SocialIdentityInput input, CancellationToken ct)
    {
        if (!IdentityRules.IsTarget(input.Target) || !IdentityRules.IsIdentityId(input.IdentityId) || IdentityRules.DetailsJson(input.Details) is not { } details)
            return UserErrors.InvalidInput("identity {target, identityId, details?} is required: details an object of at most 16 KiB.");
        var owner = await FindUserIdAsync(input.Target!, input.IdentityId!, ct);
        if (owner is not null && owner != user.Id) return IdentityRules.AlreadyInUse();
        var now = clock.GetUtcNow();
        if (await db.UserIdentities.FirstOrDefaultAsync(i => i.UserId == user.Id && i.Target == input.Target, ct) is { } existing)
        {
            existing.IdentityId = input.IdentityId!;
            existing.Details = details;
            existing.UpdatedAt = now;
        }
        else db.UserIdentities.Add(new UserIdentity { UserId = user.Id, Target = input.Target!, IdentityId = input.IdentityId!, Details = details, CreatedAt = now, UpdatedAt = now });
        return null;
    }

    /// <summary>Adds (or refreshes) the user's identity through this SSO connector in the unit of work; the caller saves.</summary>
    public async Task<ProblemHttpResult?> StageSsoAsync(User user, SsoIdentityInput input, CancellationToken ct)
    {
        if (!IdentityRules.IsTarget(input.SsoConnectorId) || !IdentityRules.IsIssuer(input.Issuer) || !IdentityRules.IsIdentityId(input.IdentityId)
            || IdentityRules.DetailsJson(input.Detail) is not { } detail)
            return UserErrors.InvalidInput("ssoIdentity {ssoConnectorId, issuer, identityId, detail?} is required: detail an object of at most 16 KiB.");
        var owner = await FindSsoUserIdAsync(input.Issuer!, input.IdentityId!, ct);
        if (owner is not null && owner != user.Id) return IdentityRules.AlreadyInUse();
        var now = clock.GetUtcNow();
        if (await db.UserSsoIdentities.FirstOrDefaultAsync(i => i.UserId == user.Id && i.SsoConnectorId == input.SsoConnectorId, ct) is { } existing)
        {
            (existing.Issuer, existing.IdentityId, existing.Detail, existing.UpdatedAt) = (input.Issuer!, input.IdentityId!, detail, now);
        }
        else
        {
            db.UserSsoIdentities.Add(new UserSsoIdentity
            {
                Id = Verifications.VerificationRecord.NewId(), UserId = user.Id, Issuer = input.Issuer!, IdentityId = input.IdentityId!,
                SsoConnectorId = input.SsoConnectorId!, Detail = detail, CreatedAt = now, UpdatedAt = now,
            });
            // With the identity, in its transaction (outbox): organization's JIT provisioning by connector acts on it.
            db.AddIntegrationEvent(new SsoIdentityLinked(user.Id, input.SsoConnectorId!, user.PrimaryEmail));
        }
        return null;
    }

    /// <summary>Name and avatar from the IdP (bounded as the Management API bounds them; an out-of-bounds value is skipped, not fatal to a sign-in).</summary>
    public void Sync(User user, SyncedProfile? profile)
    {
        if (profile is null) return;
        if (profile.Name is { Length: > 0 and <= 128 } name && HostileText.IsStorable(name)) user.Name = name;
        if (profile.Avatar is { Length: <= 2048 } avatar && Uri.TryCreate(avatar, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") user.Avatar = avatar;
        user.UpdatedAt = clock.GetUtcNow();
    }

    public async Task<bool> RemoveSocialAsync(string userId, string target, CancellationToken ct) =>
        await db.UserIdentities.Where(i => i.UserId == userId && i.Target == target).ExecuteDeleteAsync(ct) > 0;

    public Task<ProblemHttpResult?> SaveAsync(CancellationToken ct) => directory.SaveAsync(ct);

    /// <summary>Logto's <c>identities</c> object of a user.</summary>
    public async Task<Dictionary<string, IdentityResponse>> SocialOfAsync(string userId, CancellationToken ct) =>
        (await db.UserIdentities.AsNoTracking().Where(i => i.UserId == userId).OrderBy(i => i.Target).ToListAsync(ct))
            .ToDictionary(i => i.Target, i => new IdentityResponse(i.IdentityId, Parse(i.Details)));

    /// <summary>Logto's <c>ssoIdentities</c> of a user.</summary>
    public async Task<List<SsoIdentityResponse>> SsoOfAsync(string userId, CancellationToken ct) =>
        (await db.UserSsoIdentities.AsNoTracking().Where(i => i.UserId == userId).OrderBy(i => i.CreatedAt).ToListAsync(ct))
            .Select(i => new SsoIdentityResponse(i.Id, i.UserId, i.Issuer, i.IdentityId, i.SsoConnectorId, Parse(i.Detail),
                i.CreatedAt.ToUnixTimeMilliseconds(), i.UpdatedAt.ToUnixTimeMilliseconds())).ToList();

    /// <summary>The user as Logto's Management API shows it, identities included.</summary>
    public async Task<UserResponse> WithIdentitiesAsync(User user, CancellationToken ct) =>
        UserResponse.From(user) with { Identities = await SocialOfAsync(user.Id, ct), SsoIdentities = await SsoOfAsync(user.Id, ct) };

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
