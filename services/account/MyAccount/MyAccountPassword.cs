using System.Security.Claims;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Passwords;
using Auth.Platform.Account.Users;
using Auth.Platform.Account.Verifications;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.MyAccount;

public sealed record NewPasswordRequest(string? Password);

/// <summary>
/// Logto's <c>POST /api/my-account/password {password}</c> → 204: field <c>password</c> at <c>Edit</c>; a step-up record
/// unless the user has no password, email or phone yet (Logto's "first password" case); the sign-in experience's
/// password policy (asked of signin, 422 <c>password.rejected</c>). Publishes <see cref="UserPasswordChanged"/> with the
/// token's grant in the same transaction: signin ends every other session and refresh token of the user.
/// </summary>
public static class MyAccountPassword
{
    /// <summary>OpenIddict's claim for the grant (authorization) an access token belongs to.</summary>
    public const string AuthorizationIdClaim = "oi_au_id";

    public static RouteGroupBuilder MapMyAccountPassword(this RouteGroupBuilder myAccount)
    {
        myAccount.MapPost("/password", Change);
        return myAccount;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Change(NewPasswordRequest request, HttpRequest http, ClaimsPrincipal principal,
        UserDirectory directory, StepUp stepUp, PasswordPolicyClient policy, PasswordHasher hasher, AccountDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        if (await MyAccountApi.EditableAsync(principal, db, "password", ct) is { } refused) return refused;
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();
        if ((user.PasswordHash ?? user.PrimaryEmail ?? user.PrimaryPhone) is not null && await stepUp.RequireAsync(http, principal, ct) is { } denied)
            return denied;
        if (request.Password is not { Length: > 0 and <= UserDirectory.MaxPasswordLength } password)
            return UserErrors.InvalidInput($"password must be 1 to {UserDirectory.MaxPasswordLength} characters.");
        if (await policy.CheckAsync(password, user, ct) is { } rejected) return rejected;

        user.PasswordHash = await hasher.HashAsync(password, ct);
        user.UpdatedAt = clock.GetUtcNow();
        db.AddIntegrationEvent(new UserPasswordChanged(user.Id, principal.FindFirst(AuthorizationIdClaim)?.Value));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
