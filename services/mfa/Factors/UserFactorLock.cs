using Auth.Platform.Mfa.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Mfa.Factors;

/// <summary>
/// Runs a check-then-write on a user's factors in one transaction under a per-user advisory lock, so two concurrent
/// changes cannot both pass a check the other invalidates (two TOTPs, backup codes left alone, two backup-code sets).
/// </summary>
public static class UserFactorLock
{
    /// <param name="work">Runs inside the transaction; it saves its own changes. A non-null result is returned as is and rolls back.</param>
    public static Task<TResult?> RunAsync<TResult>(MfaDbContext db, string userId, Func<CancellationToken, Task<TResult?>> work, CancellationToken ct)
        where TResult : class
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(token);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey(userId)})", token);
            var refusal = await work(token);
            if (refusal is not null) return refusal;
            await tx.CommitAsync(token);
            return null;
        }, ct);
    }

    private static long LockKey(string userId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("mfa-factors|" + userId));
        return BitConverter.ToInt64(hash, 0);
    }
}
