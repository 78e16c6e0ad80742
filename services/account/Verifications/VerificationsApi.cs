using System.Security.Claims;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.MyAccount;
using Auth.Platform.Account.Passwords;
using Auth.Platform.Account.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.Verifications;

public sealed record PasswordVerificationRequest(string? Password);
public sealed record VerificationRecordResponse(string VerificationRecordId, DateTimeOffset ExpiresAt);

/// <summary>
/// Logto's security verification for the signed-in user (<c>/api/verifications</c>, user's own access token): each call
/// proves something and answers a record id that sensitive Account API calls carry in <c>logto-verification-id</c>.
/// </summary>
public static class VerificationsApi
{
    public static IEndpointRouteBuilder MapVerificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/verifications").RequireAuthorization(MyAccountAuthentication.Policy).WithTags("Verifications");
        group.MapPost("/password", VerifyPassword);
        return app;
    }

    /// <summary>
    /// The user's current password. A wrong password, and a user without one, answer Logto's 422
    /// <c>session.invalid_credentials</c> after the same Argon2 work.
    /// </summary>
    private static async Task<Results<Created<VerificationRecordResponse>, ProblemHttpResult>> VerifyPassword(
        PasswordVerificationRequest request, ClaimsPrincipal principal, UserDirectory directory, PasswordHasher hasher, AccountDbContext db,
        TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        if (request.Password is not { Length: > 0 and <= UserDirectory.MaxPasswordLength } password)
            return UserErrors.InvalidInput($"password must be 1 to {UserDirectory.MaxPasswordLength} characters.");
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();

        // Under a per-user transaction lock the attempt is counted and written (unverified) before it is hashed, so
        // parallel guesses queue here: at most MaxFailuresPerHour wrong passwords per user and hour, whatever the
        // number of tokens or addresses, and exactly that many are hashed.
        var now = clock.GetUtcNow();
        var limit = Math.Max(1, configuration.GetValue("Account:Verifications:MaxFailuresPerHour", 10));
        var since = now - FailureWindow;
        var strategy = db.Database.CreateExecutionStrategy();
        var (attempt, wait) = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var lockKey = "account:verifications:password:" + user.Id;
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({lockKey}))", ct);
            await db.VerificationRecords.Where(r => r.UserId == user.Id && r.ExpiresAt < now).ExecuteDeleteAsync(ct);
            var recent = await db.VerificationRecords.AsNoTracking()
                .Where(r => r.UserId == user.Id && r.Type == VerificationRecordTypes.Password && !r.IsVerified && r.CreatedAt > since)
                .OrderBy(r => r.CreatedAt).Select(r => r.CreatedAt).ToListAsync(ct);
            // A refused attempt is not stored: hammering does not lengthen the wait, and the table does not grow.
            if (recent.Count >= limit) return ((VerificationRecord?)null, (TimeSpan?)(recent[recent.Count - limit] + FailureWindow - now));
            var pending = new VerificationRecord
            {
                Id = VerificationRecord.NewId(), UserId = user.Id, Type = VerificationRecordTypes.Password, IsVerified = false, CreatedAt = now,
                ExpiresAt = now + FailureWindow,
            };
            db.VerificationRecords.Add(pending);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (pending, (TimeSpan?)null);
        });
        if (attempt is null) return PlatformProblems.TooManyAttempts(http, wait!.Value, "wrong passwords");

        var verification = user.PasswordHash is { } hash ? await hasher.VerifyAsync(hash, password, ct) : await hasher.VerifyDummyAsync(password, ct);
        if (verification == PasswordVerification.Failed || user.PasswordHash is null) return UserErrors.InvalidCredentials();
        // Right: the attempt becomes the record (it no longer counts as a failure).
        attempt.IsVerified = true;
        attempt.ExpiresAt = now + VerificationRecord.Lifetime;
        await db.SaveChangesAsync(ct);
        return TypedResults.Created((string?)null, new VerificationRecordResponse(attempt.Id, attempt.ExpiresAt));
    }

    /// <summary>How long a wrong password counts against its user.</summary>
    private static readonly TimeSpan FailureWindow = TimeSpan.FromHours(1);
}
