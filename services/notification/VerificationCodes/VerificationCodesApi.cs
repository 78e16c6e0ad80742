using System.Text.RegularExpressions;
using Auth.Platform.Notification.Data;
using Auth.Platform.Notification.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.VerificationCodes;

public sealed record CreateVerificationCodeRequest(
    string? Purpose, string? Channel, string? Recipient, string? Locale, string? InteractionId, bool? Deliver,
    int? LifetimeSeconds, int? MaxAttempts);
public sealed record CreateVerificationCodeResponse(string VerificationCodeId, long ExpiresAt);
public sealed record VerifyVerificationCodeRequest(string? VerificationCodeId, string? Recipient, string? Code);
public sealed record VerifyVerificationCodeResponse(bool Verified);
public sealed record DevSmsResponse(string To, string Text, long CreatedAt);

/// <summary>
/// One-time codes for signin and account (service tokens only, never routed by the gateway). Codes are Logto's:
/// <c>verification_code.{code_mismatch,expired,exceed_max_try,not_found}</c>, all 400 as in Logto's passcode library.
/// </summary>
public static partial class VerificationCodesApi
{
    public static IEndpointRouteBuilder MapVerificationCodesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/verification-codes").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: verification codes");
        group.MapPost("/", Create);
        group.MapPost("/verify", Verify);
        // The development SMS inbox holds live codes: it exists only in Development, and only for service tokens.
        if (app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
            app.MapGet("/internal/dev/sms", ListDevSms).RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: development");
        return app;
    }

    private static async Task<Results<Created<CreateVerificationCodeResponse>, ProblemHttpResult>> Create(
        CreateVerificationCodeRequest request, VerificationCodeService codes, CancellationToken ct)
    {
        if (!MessageTemplates.Purposes.Contains(request.Purpose))
            return InvalidInput($"purpose must be one of {string.Join(", ", MessageTemplates.Purposes)}.");
        if (request.Channel is not ("email" or "sms")) return InvalidInput("channel must be email or sms.");
        if (NormalizeRecipient(request.Channel, request.Recipient) is not { } recipient)
            return InvalidInput(request.Channel == "email" ? "recipient must be an email address." : "recipient must be a phone number (digits, optional +).");
        if (request.InteractionId is not { Length: > 0 and <= 128 } interactionId) return InvalidInput("interactionId is required (at most 128 characters).");
        if (request.LifetimeSeconds is < 60 or > 3600) return InvalidInput("lifetimeSeconds must be between 60 and 3600.");
        if (request.MaxAttempts is < 1 or > 100) return InvalidInput("maxAttempts must be between 1 and 100.");
        return await codes.CreateAsync(new CodeBinding(interactionId, request.Purpose!, request.Channel, recipient),
            request.Locale, request.Deliver ?? true, request.LifetimeSeconds, request.MaxAttempts, ct);
    }

    private static async Task<Results<Ok<VerifyVerificationCodeResponse>, ProblemHttpResult>> Verify(
        VerifyVerificationCodeRequest request, VerificationCodeService codes, CancellationToken ct)
    {
        if (request.VerificationCodeId is not { Length: > 0 and <= 64 } id || request.Recipient is not { Length: > 0 } recipient
            || request.Code is not { Length: > 0 and <= 16 } code)
            return InvalidInput("verificationCodeId, recipient and code are required.");
        return await codes.VerifyAsync(id, recipient, code, ct);
    }

    private static async Task<Ok<DevSmsResponse[]>> ListDevSms(string? to, NotificationDbContext db, CancellationToken ct)
    {
        var query = db.DevSmsMessages.AsNoTracking();
        if (NormalizeRecipient("sms", to) is { } phone) query = query.Where(m => m.To == phone);
        var messages = await query.OrderByDescending(m => m.Id).Take(50).ToListAsync(ct);
        return TypedResults.Ok(messages.Select(m => new DevSmsResponse(m.To, m.Text, m.CreatedAt.ToUnixTimeMilliseconds())).ToArray());
    }

    /// <summary>Email case-folded (as account looks it up), phone without spaces, dashes or brackets.</summary>
    public static string? NormalizeRecipient(string? channel, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var trimmed = value.Trim();
        return channel switch
        {
            "email" when trimmed.Length <= 254 && EmailPattern().IsMatch(trimmed) => trimmed.ToLowerInvariant(),
            "sms" when PhoneSeparators().Replace(trimmed, "") is var phone && PhonePattern().IsMatch(phone) => phone,
            _ => null,
        };
    }

    internal static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);

    [GeneratedRegex(@"^[^\s@]+@[^\s@]+\.[^\s@]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9]{6,15}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"[\s\-().]")]
    private static partial Regex PhoneSeparators();
}
