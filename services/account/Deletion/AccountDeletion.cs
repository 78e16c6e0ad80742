using System.Security.Claims;
using Auth.Platform.Account.AccountCenter;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.MyAccount;
using Auth.Platform.Account.Users;
using Auth.Platform.Account.Verifications;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.Deletion;

/// <summary>
/// Deleting a user, by an admin (<c>DELETE /api/users/{id}</c>) or by the user (<c>DELETE /api/my-account</c>, beyond
/// Logto, which only links out). account deletes the user row (its verification records, personal access tokens and
/// identities go with it by foreign key) and writes <see cref="UserDeleted"/> in the same transaction (the outbox); every
/// other service purges its own data in an idempotent consumer, whenever it is up again.
/// </summary>
/// <remarks>The flow's state diagram is in the service README ("Account deletion").</remarks>
public static class AccountDeletion
{
    public static IEndpointRouteBuilder MapAccountDeletionApi(this IEndpointRouteBuilder app)
    {
        app.MapDelete("/api/my-account", DeleteMine).RequireAuthorization(MyAccountAuthentication.Policy).WithTags("Account API");
        return app;
    }

    /// <summary>Removes the user and stages <see cref="UserDeleted"/>; the caller saves once (one transaction).</summary>
    public static void Stage(AccountDbContext db, User user)
    {
        db.Users.Remove(user);
        db.AddIntegrationEvent(new UserDeleted(user.Id));
    }

    /// <summary>
    /// The user deletes their own account: the account center must be enabled, the token first-party, and the request
    /// must carry a step-up record (<c>logto-verification-id</c>). 204; the access token stops working at once (the
    /// user is gone) and signin ends the sessions when it sees the event.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMine(HttpRequest request, ClaimsPrincipal principal, StepUp stepUp,
        UserDirectory directory, AccountDbContext db, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        if (!(await AccountCenterApi.ReadAsync(db, ct)).Enabled) return MyAccountApi.NotEnabled();
        if (await stepUp.RequireAsync(request, principal, ct) is { } denied) return denied;
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();
        Stage(db, user);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
