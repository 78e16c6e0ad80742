using System.Security.Claims;
using Auth.Platform.Account.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.Verifications;

/// <summary>
/// The check before a sensitive change: the <c>logto-verification-id</c> header names a record of this user that proves
/// who they are (<see cref="VerificationRecord.IsStepUpFor"/>); otherwise 401 <c>verification_record.permission_denied</c>,
/// whatever the reason (missing, unknown, expired, someone else's, wrong type), so the answer says nothing about other records.
/// </summary>
public sealed class StepUp(AccountDbContext db, TimeProvider clock)
{
    public const string Header = "logto-verification-id";

    public static ProblemHttpResult PermissionDenied() =>
        PlatformProblems.Create(401, "verification_record.permission_denied", "Verify your identity first (logto-verification-id).");

    /// <returns>null when the request carries a valid step-up record for <paramref name="principal"/>, else the problem to answer.</returns>
    public async Task<ProblemHttpResult?> RequireAsync(HttpRequest request, ClaimsPrincipal principal, CancellationToken ct)
    {
        var id = request.Headers[Header].ToString();
        if (id is not { Length: > 0 and <= 64 }) return PermissionDenied();
        var record = await db.VerificationRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return record is not null && record.IsStepUpFor(principal.FindFirst("sub")!.Value, clock.GetUtcNow()) ? null : PermissionDenied();
    }
}
