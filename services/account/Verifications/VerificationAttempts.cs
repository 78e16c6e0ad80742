using Auth.Platform.Account.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.Verifications;

/// <summary>
/// The per-user limit on guesses (a password, a code): at most <c>Account:Verifications:MaxFailuresPerHour</c> (default 10)
/// wrong answers of one kind per user and hour, whatever the number of tokens or addresses. Under a per-user transaction
/// lock the attempt is counted and written (an unverified record of <c>type</c>) <em>before</em> it is checked, so parallel
/// guesses queue here and exactly the limit is checked. The caller turns a right attempt into a proof or removes it.
/// </summary>
public sealed class VerificationAttempts(AccountDbContext db, TimeProvider clock, IConfiguration configuration)
{
    /// <summary>How long a wrong answer counts against its user.</summary>
    public static readonly TimeSpan FailureWindow = TimeSpan.FromHours(1);

    /// <returns>The pending attempt (saved), or the wait before the next one is allowed.</returns>
    public async Task<(VerificationRecord? Attempt, TimeSpan? Wait)> BeginAsync(string userId, string type, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var limit = Math.Max(1, configuration.GetValue("Account:Verifications:MaxFailuresPerHour", 10));
        var since = now - FailureWindow;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var lockKey = $"account:verifications:{type}:{userId}";
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({lockKey}))", ct);
            await db.VerificationRecords.Where(r => r.UserId == userId && r.ExpiresAt < now).ExecuteDeleteAsync(ct);
            var recent = await db.VerificationRecords.AsNoTracking()
                .Where(r => r.UserId == userId && r.Type == type && !r.IsVerified && r.CreatedAt > since)
                .OrderBy(r => r.CreatedAt).Select(r => r.CreatedAt).ToListAsync(ct);
            // A refused attempt is not stored: hammering does not lengthen the wait, and the table does not grow.
            if (recent.Count >= limit) return ((VerificationRecord?)null, (TimeSpan?)(recent[recent.Count - limit] + FailureWindow - now));
            var pending = new VerificationRecord
            {
                Id = VerificationRecord.NewId(), UserId = userId, Type = type, IsVerified = false, CreatedAt = now, ExpiresAt = now + FailureWindow,
            };
            db.VerificationRecords.Add(pending);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (pending, (TimeSpan?)null);
        });
    }
}
