using System.Security.Claims;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identifiers;
using Auth.Platform.Account.Users;
using Auth.Platform.Account.Verifications;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.MyAccount;

public sealed record NewPrimaryEmailRequest(string? Email, string? NewIdentifierVerificationRecordId);
public sealed record NewPrimaryPhoneRequest(string? Phone, string? NewIdentifierVerificationRecordId);

/// <summary>
/// Logto's <c>POST|DELETE /api/my-account/primary-email</c> and <c>…/primary-phone</c> → 204. Both need the field
/// (<c>email</c>/<c>phone</c>) at <c>Edit</c>, the scope of the same name and a step-up record; setting also needs
/// <c>newIdentifierVerificationRecordId</c>, a verified code record of this user for that very address (else 400
/// <c>verification_record.not_found</c>). An address another user holds → 422 <c>user.email_already_in_use</c> /
/// <c>user.phone_already_in_use</c>; removing the last identifier → 422 <c>user.last_identifier</c>. Every change publishes
/// <see cref="UserIdentifiersChanged"/> in the same transaction.
/// </summary>
public static class PrimaryIdentifiers
{
    public static RouteGroupBuilder MapPrimaryIdentifiers(this RouteGroupBuilder myAccount)
    {
        myAccount.MapPost("/primary-email", (NewPrimaryEmailRequest request, [AsParameters] IdentifierChange change) =>
            SetAsync("email", request.Email, request.NewIdentifierVerificationRecordId, change));
        myAccount.MapDelete("/primary-email", ([AsParameters] IdentifierChange change) => RemoveAsync("email", change));
        myAccount.MapPost("/primary-phone", (NewPrimaryPhoneRequest request, [AsParameters] IdentifierChange change) =>
            SetAsync("phone", request.Phone, request.NewIdentifierVerificationRecordId, change));
        myAccount.MapDelete("/primary-phone", ([AsParameters] IdentifierChange change) => RemoveAsync("phone", change));
        return myAccount;
    }

    /// <summary>What every identifier change needs.</summary>
    public sealed record IdentifierChange(HttpRequest Http, ClaimsPrincipal Principal, UserDirectory Directory, StepUp StepUp,
        PhoneNumberNormalizer Phones, AccountDbContext Db, TimeProvider Clock, CancellationToken Ct);

    /// <param name="type"><c>email</c> or <c>phone</c>: the account center field, the scope and the identifier type alike.</param>
    private static async Task<Results<NoContent, ProblemHttpResult>> SetAsync(string type, string? value, string? recordId, IdentifierChange c)
    {
        if (await AllowedAsync(type, c) is { } refused) return refused;
        var normalized = value is null ? null : type == "email" ? EmailAddressRules.TryNormalize(value) : c.Phones.TryNormalize(value);
        if (normalized is null) return type == "email" ? UserErrors.InvalidInput("email must be a valid email address.") : UserErrors.InvalidPhone();
        if (recordId is not { Length: > 0 and <= 64 }) return UserErrors.InvalidInput("newIdentifierVerificationRecordId is required.");
        var userId = c.Principal.FindFirst("sub")!.Value;
        var record = await c.Db.VerificationRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == recordId, c.Ct);
        if (record is null || !record.ProvesOwnershipOf(userId, type, normalized, c.Clock.GetUtcNow())) return VerificationCodes.RecordNotFound();
        if (await c.Directory.FindAsync(userId, c.Ct) is not { } user) return UserErrors.NotFound();

        if (type == "email") user.SetPrimaryEmail(value!.Trim());
        else user.PrimaryPhone = normalized;
        if (await c.Directory.FindConflictAsync(user, c.Ct) is { } taken) return taken;
        return await SaveAsync(user, c);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string type, IdentifierChange c)
    {
        if (await AllowedAsync(type, c) is { } refused) return refused;
        if (await c.Directory.FindAsync(c.Principal.FindFirst("sub")!.Value, c.Ct) is not { } user) return UserErrors.NotFound();
        if (type == "email") user.SetPrimaryEmail(null);
        else user.PrimaryPhone = null;
        if (user is { Username: null, PrimaryEmail: null, PrimaryPhone: null }) return MyAccountApi.LastIdentifier();
        return await SaveAsync(user, c);
    }

    private static async Task<ProblemHttpResult?> AllowedAsync(string type, IdentifierChange c)
    {
        if (await MyAccountApi.EditableAsync(c.Principal, c.Db, type, c.Ct) is { } refused) return refused;
        if (!c.Principal.HasScope(type)) return MyAccountApi.MissingScope(type);
        return await c.StepUp.RequireAsync(c.Http, c.Principal, c.Ct);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SaveAsync(User user, IdentifierChange c)
    {
        user.UpdatedAt = c.Clock.GetUtcNow();
        c.Db.AddIntegrationEvent(new UserIdentifiersChanged(user.Id, user.Username, user.PrimaryEmail, user.PrimaryPhone));
        return await c.Directory.SaveAsync(c.Ct) is { } raced ? raced : TypedResults.NoContent();
    }
}
