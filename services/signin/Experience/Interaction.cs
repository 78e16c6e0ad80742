using System.Text.Json;
using Auth.Platform.Signin.Sessions;
using StackExchange.Redis;

namespace Auth.Platform.Signin.Experience;

/// <summary>
/// An in-flight sign-in/registration started by <c>/oidc/auth</c>; lives in Redis for one hour, bound to an HttpOnly cookie.
/// <code>
/// stateDiagram-v2
///   [*] --> Started: /oidc/auth without session
///   Started --> Started: PUT event / POST verification/*
///   Started --> Identified: POST identification
///   Identified --> Submitted: POST submit (session created)
///   Submitted --> [*]: /oidc/auth resumes and consumes it
/// </code>
/// </summary>
public sealed class Interaction
{
    public required string Id { get; init; }
    /// <summary>The original authorization request's parameters, replayed by the resume URL.</summary>
    public required List<KeyValuePair<string, string>> Parameters { get; init; }
    public string ClientId { get; init; } = "";
    public string Event { get; set; } = InteractionEvents.SignIn;
    public List<VerificationRecord> VerificationRecords { get; set; } = [];
    public string? UserId { get; set; }
    /// <summary>
    /// How the user was identified (a <see cref="VerificationTypes"/> value, or <c>SignInPasskey</c>) and, for codes,
    /// the address: that channel cannot also be the second factor, and it sets the token's <c>amr</c>.
    /// </summary>
    public FirstFactor? IdentifiedBy { get; set; }
    /// <summary>Set by submit: the session it created; the resumed <c>/oidc/auth</c> treats that as a fresh login.</summary>
    public string? SubmittedSessionId { get; set; }
    /// <summary>Set by <c>POST /api/experience/terms/agree</c>; submit requires it when the terms policy is manual for this event.</summary>
    public DateTimeOffset? TermsAgreedAt { get; set; }
    /// <summary>What the user supplied beyond the identifying record (profile completion, the new password of a reset).</summary>
    public InteractionProfile Profile { get; set; } = new();
}

public sealed record FirstFactor(string Type, string? IdentifierValue);

/// <summary>Profile values collected by <c>POST /api/experience/profile</c>; email and phone only once proven by a code.</summary>
public sealed class InteractionProfile
{
    public string? Username { get; set; }
    public string? PrimaryEmail { get; set; }
    public string? PrimaryPhone { get; set; }
    /// <summary>Data Protection ciphertext, never plaintext in Redis.</summary>
    public string? ProtectedPassword { get; set; }
    public bool IsEmpty => Username is null && PrimaryEmail is null && PrimaryPhone is null && ProtectedPassword is null;
}

public static class InteractionEvents
{
    public const string SignIn = "SignIn";
    public const string Register = "Register";
    public const string ForgotPassword = "ForgotPassword";
    public static readonly string[] All = [SignIn, Register, ForgotPassword];
}

public static class VerificationTypes
{
    public const string Password = "Password";
    public const string NewPasswordIdentity = "NewPasswordIdentity";
    public const string EmailVerificationCode = "EmailVerificationCode";
    public const string PhoneVerificationCode = "PhoneVerificationCode";

    public static string ForCode(string identifierType) => identifierType == "email" ? EmailVerificationCode : PhoneVerificationCode;
    public static bool IsCode(string type) => type is EmailVerificationCode or PhoneVerificationCode;
}

/// <summary>A verification that happened in the interaction; identification consumes it by id.</summary>
public sealed class VerificationRecord
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string IdentifierType { get; init; }
    public required string IdentifierValue { get; init; }
    /// <summary>For <see cref="VerificationTypes.Password"/>: the user the password belongs to.</summary>
    public string? UserId { get; init; }
    /// <summary>For <see cref="VerificationTypes.NewPasswordIdentity"/>: the chosen password, Data Protection ciphertext (never plaintext in Redis).</summary>
    public string? ProtectedPassword { get; init; }
    /// <summary>For code records: notification's id of the code that was sent.</summary>
    public string? VerificationCodeId { get; init; }
    /// <summary>For code records: set once the right code was entered. Only verified records identify anyone.</summary>
    public bool Verified { get; set; }
}

/// <summary>Interactions in Redis, keyed by an opaque id that only the browser's cookie carries.</summary>
public sealed class InteractionStore(IConnectionMultiplexer redis)
{
    public const string CookieName = "_interaction";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Interaction> CreateAsync(HttpContext context, string clientId, IEnumerable<KeyValuePair<string, string>> parameters, string @event)
    {
        var interaction = new Interaction { Id = SessionService.NewOpaqueId(), ClientId = clientId, Parameters = parameters.ToList(), Event = @event };
        await redis.GetDatabase().StringSetAsync(Key(interaction.Id), JsonSerializer.Serialize(interaction, Json), Lifetime);
        context.Response.Cookies.Append(CookieName, interaction.Id, SessionService.CookieOptions(context, DateTimeOffset.UtcNow + Lifetime));
        return interaction;
    }

    public async Task<Interaction?> FindAsync(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var id) || string.IsNullOrEmpty(id) || id.Length > 100) return null;
        var value = await redis.GetDatabase().StringGetAsync(Key(id));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Interaction>(value.ToString(), Json);
    }

    /// <summary>Saves changes; the TTL stays the one set at creation (KEEPTTL), so activity does not extend the hour.</summary>
    /// <returns>False when the interaction expired meanwhile (it is not resurrected).</returns>
    public Task<bool> SaveAsync(Interaction interaction) =>
        redis.GetDatabase().StringSetAsync(Key(interaction.Id), JsonSerializer.Serialize(interaction, Json), null, keepTtl: true, When.Exists);

    public async Task DeleteAsync(HttpContext context, Interaction interaction)
    {
        await redis.GetDatabase().KeyDeleteAsync(Key(interaction.Id));
        context.Response.Cookies.Delete(CookieName, SessionService.CookieOptions(context, null));
    }

    private static RedisKey Key(string id) => "signin:interaction:" + id;
}
