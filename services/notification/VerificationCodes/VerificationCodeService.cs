using Auth.Platform.Notification.Data;
using Auth.Platform.Notification.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.VerificationCodes;

public sealed record CodeBinding(string InteractionId, string Purpose, string Channel, string Recipient);

/// <summary>Defaults from configuration (<c>VerificationCodes:*</c>); lifetime and attempts may come per request from signin's policy.</summary>
public sealed class VerificationCodeOptions
{
    public int LifetimeSeconds { get; set; } = 600;
    public int MaxAttempts { get; set; } = 10;
    public int ResendCooldownSeconds { get; set; } = 60;
    public int HourlyLimitPerRecipient { get; set; } = 10;
}

public sealed class VerificationCodeService(
    NotificationDbContext db, DeliveryProviders providers, CodeDeliverySignal deliveries, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<VerificationCodeOptions> options)
{
    private VerificationCodeOptions Options => options.Value;

    public async Task<Results<Created<CreateVerificationCodeResponse>, ProblemHttpResult>> CreateAsync(
        CodeBinding binding, string? locale, bool deliver, int? lifetimeSeconds, int? maxAttempts, CancellationToken ct)
    {
        // Before anything else, and whether or not the code will be sent: the answer must not depend on the address.
        if (!providers.CanDeliver(binding.Channel))
            return PlatformProblems.Create(503, "connector.not_found", $"No {binding.Channel} provider is configured; no code can be sent.");
        var lifetime = TimeSpan.FromSeconds(lifetimeSeconds ?? Options.LifetimeSeconds);
        var code = CodeHasher.NewCode();
        var id = CodeHasher.NewId();
        var salt = CodeHasher.NewSalt();
        var now = clock.GetUtcNow();
        var row = new VerificationCode
        {
            Id = id, InteractionId = binding.InteractionId, Purpose = binding.Purpose, Channel = binding.Channel, Recipient = binding.Recipient,
            Salt = salt, CodeHash = CodeHasher.Hash(salt, id, code), MaxAttempts = maxAttempts ?? Options.MaxAttempts,
            CreatedAt = now, ExpiresAt = now + lifetime,
        };

        // Limits count every code for the recipient, delivered or not: a 429 that only owned addresses get would
        // tell who has an account. The advisory lock serialises concurrent sends to one recipient.
        var strategy = db.Database.CreateExecutionStrategy();
        var retryAfter = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var lockKey = binding.Channel + ":" + binding.Recipient;
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({lockKey}, 0))", ct);
            var recent = db.VerificationCodes.Where(c => c.Recipient == binding.Recipient && c.Channel == binding.Channel);
            var last = await recent.MaxAsync(c => (DateTimeOffset?)c.CreatedAt, ct);
            var cooldownEnds = last + TimeSpan.FromSeconds(Options.ResendCooldownSeconds);
            if (cooldownEnds > now) return (int)Math.Ceiling((cooldownEnds.Value - now).TotalSeconds);
            var hourAgo = now - TimeSpan.FromHours(1);
            if (await recent.CountAsync(c => c.CreatedAt > hourAgo, ct) >= Options.HourlyLimitPerRecipient)
            {
                var oldest = await recent.Where(c => c.CreatedAt > hourAgo).MinAsync(c => c.CreatedAt, ct);
                return (int)Math.Ceiling((oldest + TimeSpan.FromHours(1) - now).TotalSeconds);
            }
            // A new code voids the earlier unconsumed one for the same binding (Logto deletes it).
            await db.VerificationCodes
                .Where(c => c.InteractionId == binding.InteractionId && c.Purpose == binding.Purpose && c.Channel == binding.Channel
                    && c.Recipient == binding.Recipient && c.ConsumedAt == null && c.VoidedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.VoidedAt, now), ct);
            db.VerificationCodes.Add(row);
            // The message is queued in the same transaction, and sent after the answer: the answer never waits on
            // SMTP/SMS, so a known address (deliver) and an unknown one (not) answer alike. deliver:false
            // (anti-enumeration): the code exists and can be "verified" (it never matches) but nothing is queued.
            if (deliver)
            {
                var message = MessageTemplates.Render(binding.Purpose, locale, code, lifetime);
                db.Deliveries.Add(new DeliveryRecord
                {
                    Channel = binding.Channel, Recipient = binding.Recipient, Purpose = binding.Purpose, Status = DeliveryStatus.Pending,
                    Subject = message.Subject, Text = message.Text, CreatedAt = now, NextAttemptAt = now, ExpiresAt = row.ExpiresAt,
                });
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return 0;
        });
        if (retryAfter > 0)
            return PlatformProblems.Create(429, "verification_code.too_many_requests",
                $"Too many codes requested for this recipient; retry after {retryAfter} s.", new { retryAfter });

        if (deliver) deliveries.Notify();
        return TypedResults.Created($"/internal/verification-codes/{id}", new CreateVerificationCodeResponse(id, row.ExpiresAt.ToUnixTimeMilliseconds()));
    }

    /// <summary>
    /// Logto's order: gone → expired → out of attempts → compare. An attempt is claimed atomically before comparing,
    /// so parallel guesses cannot exceed the cap; a match is consumed with <c>WHERE consumed_at IS NULL</c> (one winner).
    /// </summary>
    public async Task<Results<Ok<VerifyVerificationCodeResponse>, ProblemHttpResult>> VerifyAsync(string id, string recipient, string code, CancellationToken ct)
    {
        var row = await db.VerificationCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (row is null || row.ConsumedAt is not null || row.VoidedAt is not null) return CodeErrors.NotFound();
        if (VerificationCodesApi.NormalizeRecipient(row.Channel, recipient) != row.Recipient)
            return row.Channel == "email" ? CodeErrors.EmailMismatch() : CodeErrors.PhoneMismatch();
        var now = clock.GetUtcNow();
        if (row.ExpiresAt <= now) return CodeErrors.Expired();

        var claimed = await db.VerificationCodes
            .Where(c => c.Id == id && c.ConsumedAt == null && c.VoidedAt == null && c.Attempts < c.MaxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
        if (claimed == 0) return CodeErrors.ExceedMaxTry();
        if (!CodeHasher.Matches(row.Salt, row.Id, code.Trim(), row.CodeHash)) return CodeErrors.Mismatch();

        var consumed = await db.VerificationCodes
            .Where(c => c.Id == id && c.ConsumedAt == null && c.VoidedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, now), ct);
        return consumed == 1 ? TypedResults.Ok(new VerifyVerificationCodeResponse(true)) : CodeErrors.NotFound();
    }
}

public static class CodeErrors
{
    public static ProblemHttpResult NotFound() => PlatformProblems.Create(400, "verification_code.not_found", "The verification code does not exist or was already used.");
    public static ProblemHttpResult Mismatch() => PlatformProblems.Create(400, "verification_code.code_mismatch", "Invalid verification code.");
    public static ProblemHttpResult Expired() => PlatformProblems.Create(400, "verification_code.expired", "The verification code has expired.");
    public static ProblemHttpResult ExceedMaxTry() => PlatformProblems.Create(400, "verification_code.exceed_max_try", "Verification code retries limitation exceeded.");
    public static ProblemHttpResult EmailMismatch() => PlatformProblems.Create(400, "verification_code.email_mismatch", "The email does not match the verification code.");
    public static ProblemHttpResult PhoneMismatch() => PlatformProblems.Create(400, "verification_code.phone_mismatch", "The phone number does not match the verification code.");
}
