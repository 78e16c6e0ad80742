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
        group.MapVerificationCodes();
        return app;
    }

    /// <summary>
    /// The user's current password. A wrong password, and a user without one, answer Logto's 422
    /// <c>session.invalid_credentials</c> after the same Argon2 work.
    /// </summary>
    private static async Task<Results<Created<VerificationRecordResponse>, ProblemHttpResult>> VerifyPassword(
        PasswordVerificationRequest request, ClaimsPrincipal principal, UserDirectory directory, PasswordHasher hasher, AccountDbContext db,
        VerificationAttempts attempts, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        if (request.Password is not { Length: > 0 and <= UserDirectory.MaxPasswordLength } password)
            return UserErrors.InvalidInput($"password must be 1 to {UserDirectory.MaxPasswordLength} characters.");
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();

        // Counted and written before it is hashed (VerificationAttempts): parallel guesses queue, exactly the limit is hashed.
        var (attempt, wait) = await attempts.BeginAsync(user.Id, VerificationRecordTypes.Password, ct);
        if (attempt is null) return PlatformProblems.TooManyAttempts(http, wait!.Value, "wrong passwords");

        var verification = user.PasswordHash is { } hash ? await hasher.VerifyAsync(hash, password, ct) : await hasher.VerifyDummyAsync(password, ct);
        if (verification == PasswordVerification.Failed || user.PasswordHash is null) return UserErrors.InvalidCredentials();
        // Right: the attempt becomes the record (it no longer counts as a failure).
        attempt.IsVerified = true;
        attempt.ExpiresAt = clock.GetUtcNow() + VerificationRecord.Lifetime;
        await db.SaveChangesAsync(ct);
        return TypedResults.Created((string?)null, new VerificationRecordResponse(attempt.Id, attempt.ExpiresAt));
    }
}
