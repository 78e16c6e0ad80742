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
    NotificationDbContext db, EmailSender email, SmsSender sms, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<VerificationCodeOptions> options, ILogger<VerificationCodeService> logger)
{
    private VerificationCodeOptions Options => options.Value;

    public async Task<Results<Created<CreateVerificationCodeResponse>, ProblemHttpResult>> CreateAsync(
        CodeBinding binding, string? locale, bool deliver, int? lifetimeSeconds, int? maxAttempts, CancellationToken ct)
    {
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
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return 0;
        });
        if (retryAfter > 0)
            return PlatformProblems.Create(429, "verification_code.too_many_requests",
                $"Too many codes requested for this recipient; retry after {retryAfter} s.", new { retryAfter });

        var created = TypedResults.Created($"/internal/verification-codes/{id}", new CreateVerificationCodeResponse(id, row.ExpiresAt.ToUnixTimeMilliseconds()));
        if (!deliver) return created; // anti-enumeration: exists, verifiable (it will never match), never sent

        // After the commit: a delivered code always exists. A failed delivery is reported; the row simply expires.
        var message = MessageTemplates.Render(binding.Purpose, locale, code, lifetime);
        string status;
        string? error = null;
        try
        {
            var outcome = binding.Channel == "email"
                ? await email.SendAsync(binding.Recipient, message, ct)
                : await sms.SendAsync(binding.Recipient, message, ct);
            status = outcome == SendOutcome.Sent ? DeliveryStatus.Sent : DeliveryStatus.Skipped;
            if (outcome == SendOutcome.Skipped) error = binding.Channel == "email" ? "Smtp:Host is not configured" : "Sms:Endpoint is not configured";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Delivery of a {Purpose} code by {Channel} failed", binding.Purpose, binding.Channel);
            status = DeliveryStatus.Failed;
            error = e.GetType().Name + ": " + e.Message;
        }
        db.ChangeTracker.Clear();
        db.Deliveries.Add(new DeliveryRecord
        {
            Channel = binding.Channel, Recipient = binding.Recipient, Purpose = binding.Purpose, Status = status,
            Error = error is { Length: > 500 } ? error[..500] : error, CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(CancellationToken.None);
        return status == DeliveryStatus.Failed
            ? PlatformProblems.Create(502, "connector.general", $"The {binding.Channel} provider did not accept the message.")
            : created;
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
