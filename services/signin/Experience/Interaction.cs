using System.Text.Json;
using System.Text.Json.Serialization;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Sessions;
using StackExchange.Redis;

namespace Auth.Platform.Signin.Experience;

/// <summary>Where an interaction is; changed only by the named transitions of <see cref="Interaction"/> (diagram in README.md).</summary>
public enum InteractionState
{
    /// <summary>Collecting verifications for its event; nobody identified.</summary>
    Started,
    /// <summary>A user is identified (signed in, registered, or found for a reset); MFA, profile and terms are checked at submit.</summary>
    Identified,
    /// <summary>Submit created the session; the resumed <c>/oidc/auth</c> consumes the interaction.</summary>
    Submitted,
}

/// <summary>
/// An in-flight sign-in, registration or password reset started by <c>/oidc/auth</c>: one Redis value for one hour, bound
/// to an HttpOnly cookie. Its <see cref="State"/> and identity change only through the transitions below; the steps in
/// <c>Steps/</c> call them, the verification methods in <c>Verifications/</c> add records.
/// </summary>
public sealed class Interaction
{
    public required string Id { get; init; }
    /// <summary>The original authorization request's parameters, replayed by the resume URL.</summary>
    public required List<KeyValuePair<string, string>> Parameters { get; init; }
    public string ClientId { get; init; } = "";
    [JsonInclude] public InteractionState State { get; private set; } = InteractionState.Started;
    [JsonInclude] public string Event { get; private set; } = InteractionEvents.SignIn;
    /// <summary>First-factor records (password, codes, new password identity, passkey; social and SSO next): identification consumes them by id.</summary>
    public List<VerificationRecord> VerificationRecords { get; set; } = [];
    [JsonInclude] public string? UserId { get; private set; }
    /// <summary>
    /// How the user was identified (a verification type) and, for codes, the address: that channel cannot also be the
    /// second factor, and it sets the token's <c>amr</c>.
    /// </summary>
    [JsonInclude] public FirstFactor? IdentifiedBy { get; private set; }
    /// <summary>
    /// The identified user as account answered once in this interaction (identification, registration or the first step
    /// that needed it); later steps read it here instead of asking again. A suspension after that read is caught by the
    /// resumed <c>/oidc/auth</c>, which reads the user for the token and ends the session.
    /// </summary>
    [JsonInclude] public UserSnapshot? User { get; private set; }
    /// <summary>
    /// The social or SSO record whose identity is written to the identified user at submit, once MFA and the profile are
    /// done: a new link (related account, or an account proven another way), or the refreshed details of the identity
    /// that signed in. Written at submit so an interaction that stops at MFA links nothing.
    /// </summary>
    [JsonInclude] public string? IdentityRecordId { get; private set; }
    /// <summary>Second factors: records, and whether this interaction has passed MFA and for which user.</summary>
    public MfaProgress Mfa { get; set; } = new();
    /// <summary>Set by submit: the session it created; the resumed <c>/oidc/auth</c> treats that as a fresh login.</summary>
    [JsonInclude] public string? SubmittedSessionId { get; private set; }
    /// <summary>Set by <c>POST /api/experience/terms/agree</c>; submit requires it when the terms policy is manual for this event.</summary>
    public DateTimeOffset? TermsAgreedAt { get; set; }
    /// <summary>What the user supplied beyond the identifying record (profile completion, the new password of a reset).</summary>
    public InteractionProfile Profile { get; set; } = new();

    /// <summary>Bounded: the interaction lives in one Redis value, and a script looping on a step must not grow it without limit.</summary>
    private const int MaxRecords = 20;

    // ---------- transitions ----------

    /// <summary><c>PUT /api/experience</c> with another event: everything proven for another purpose is dropped (Logto does the same).</summary>
    public void StartOver(string interactionEvent)
    {
        if (Event == interactionEvent) return;
        Event = interactionEvent;
        VerificationRecords = [];
        Profile = new();
        Forget();
    }

    /// <summary><c>PUT /api/experience/interaction-event</c>: SignIn ⇄ Register keeping the records (the cross-overs).</summary>
    public void SwitchEvent(string interactionEvent)
    {
        if (Event == interactionEvent) return;
        Event = interactionEvent;
        Forget();
    }

    /// <summary>Identification found (or registration created) the user.</summary>
    public void Identify(string userId, FirstFactor? by, UserSnapshot? user = null)
    {
        if (UserId != userId) User = null;
        IdentityRecordId = null;
        UserId = userId;
        IdentifiedBy = by;
        if (user is not null) RememberUser(user);
        State = InteractionState.Identified;
    }

    /// <summary>
    /// A social or SSO record identified the user: the owner of its identity, the related account it links to, or the user
    /// it created. Its identity is written at submit (<see cref="IdentityRecordId"/>).
    /// </summary>
    public void IdentifyByExternalIdentity(string userId, VerificationRecord record, UserSnapshot? user = null)
    {
        Identify(userId, new FirstFactor(record.Type, null), user);
        IdentityRecordId = record.Id;
    }

    /// <summary>
    /// The identified user (by password, code, passkey) asks to link a social record of this interaction: the identity is
    /// theirs at submit even when the IdP's email differs (Logto #7997, #8289). The first factor stays what it was.
    /// </summary>
    public void LinkToIdentifiedUser(VerificationRecord record)
    {
        if (State == InteractionState.Identified) IdentityRecordId = record.Id;
    }

    /// <summary>A second factor (or a passkey) was passed by the identified user.</summary>
    public void PassMfa(string userId, string factor) => (Mfa.VerifiedUserId, Mfa.VerifiedFactor) = (userId, factor);

    /// <summary>Submit created the session.</summary>
    public void Submit(string sessionId)
    {
        SubmittedSessionId = sessionId;
        State = InteractionState.Submitted;
    }

    /// <summary>The new password is written: back to SignIn in the same OIDC request, so the user signs in with it.</summary>
    public void FinishPasswordReset()
    {
        Event = InteractionEvents.SignIn;
        VerificationRecords = [];
        Profile = new();
        Forget();
    }

    private void Forget()
    {
        UserId = null;
        IdentityRecordId = null;
        IdentifiedBy = null;
        User = null;
        State = InteractionState.Started;
    }

    // ---------- bookkeeping within a state ----------

    public void RememberUser(UserSnapshot user)
    {
        if (user.Id == UserId) User = user;
    }

    public void AddRecord(VerificationRecord record)
    {
        if (VerificationRecords.Count >= MaxRecords) VerificationRecords.RemoveAt(0);
        VerificationRecords.Add(record);
    }
}

public sealed record FirstFactor(string Type, string? IdentifierValue);

/// <summary>What the steps need of the user (no custom data, no timestamps).</summary>
public sealed record UserSnapshot(string Id, string? Username, string? PrimaryEmail, string? PrimaryPhone, string? Name, bool HasPassword, bool IsSuspended)
{
    public static UserSnapshot From(AccountUser user) =>
        new(user.Id, user.Username, user.PrimaryEmail, user.PrimaryPhone, user.Name, user.HasPassword, user.IsSuspended);
}

/// <summary>Profile values collected by <c>POST /api/experience/profile</c>; email and phone only once proven by a code.</summary>
public sealed class InteractionProfile
{
    public string? Username { get; set; }
    public string? PrimaryEmail { get; set; }
    public string? PrimaryPhone { get; set; }
    /// <summary>Data Protection ciphertext, never plaintext in Redis.</summary>
    public string? ProtectedPassword { get; set; }
    [JsonIgnore] public bool IsEmpty => Username is null && PrimaryEmail is null && PrimaryPhone is null && ProtectedPassword is null;
}

/// <summary>The MFA side of the interaction.</summary>
public sealed class MfaProgress
{
    public List<MfaVerificationRecord> Records { get; set; } = [];
    /// <summary>The user who passed a second factor (or signed in with a passkey) in this interaction.</summary>
    public string? VerifiedUserId { get; set; }
    public string? VerifiedFactor { get; set; }
    /// <summary><c>POST /api/experience/profile/mfa/mfa-skipped</c>: remembered for the user at submit (Logto's <c>mfa.skipped</c>).</summary>
    public bool Skipped { get; set; }
    /// <summary>A factor was bound in this interaction: submit then asks for backup codes when they are enabled and missing.</summary>
    public bool BoundFactor { get; set; }
}

public static class InteractionEvents
{
    public const string SignIn = "SignIn";
    public const string Register = "Register";
    public const string ForgotPassword = "ForgotPassword";
    public static readonly string[] All = [SignIn, Register, ForgotPassword];
}

/// <summary>Logto's verification type names.</summary>
public static class VerificationTypes
{
    public const string Password = "Password";
    public const string NewPasswordIdentity = "NewPasswordIdentity";
    public const string EmailVerificationCode = "EmailVerificationCode";
    public const string PhoneVerificationCode = "PhoneVerificationCode";
    public const string SignInPasskey = "SignInPasskey";
    public const string Totp = "Totp";
    public const string BackupCode = "BackupCode";
    public const string WebAuthn = "WebAuthn";
    public const string Social = "Social";
    public const string EnterpriseSso = "EnterpriseSso";

    public static string ForCode(string identifierType) => identifierType == "email" ? EmailVerificationCode : PhoneVerificationCode;
    public static bool IsCode(string type) => type is EmailVerificationCode or PhoneVerificationCode;
}

/// <summary>
/// A first-factor verification that happened in the interaction; identification consumes it by id. One shape for every
/// method: an identifier (password, codes), a user (password, passkey), or an external identity (social, SSO).
/// </summary>
public sealed class VerificationRecord
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string IdentifierType { get; init; } = "";
    public string IdentifierValue { get; init; } = "";
    /// <summary>The user the record proves, when the method knows it (password, passkey).</summary>
    public string? UserId { get; init; }
    /// <summary>For <see cref="VerificationTypes.NewPasswordIdentity"/>: the chosen password, Data Protection ciphertext (never plaintext in Redis).</summary>
    public string? ProtectedPassword { get; init; }
    /// <summary>The id of the proof held by another service: notification's code id, mfa's passkey ceremony id.</summary>
    public string? ExternalId { get; init; }
    /// <summary>For social and enterprise SSO records: the connector the record was started with (its verify must name the same one).</summary>
    public string? ConnectorId { get; init; }
    /// <summary>For social and enterprise SSO records: who the identity provider says the user is.</summary>
    public ExternalIdentity? ExternalIdentity { get; set; }
    /// <summary>Only verified records identify anyone (a password record is verified when created, a code once entered).</summary>
    public bool Verified { get; set; }
}

/// <summary>An identity asserted by a connector: its target (<c>google</c>, an SSO connector's provider), the connector, and the user info it gave.</summary>
/// <remarks><c>SyncProfile</c>: the connector copies name and avatar to the user at every sign-in (Logto's <c>syncProfile</c>).</remarks>
public sealed record ExternalIdentity(string Target, string ConnectorId, string Subject, JsonElement? UserInfo, bool SyncProfile = false);

/// <summary>A second-factor record (<c>Totp</c>, <c>BackupCode</c>, <c>WebAuthn</c>, <c>EmailVerificationCode</c>, <c>PhoneVerificationCode</c>).</summary>
public sealed class MfaVerificationRecord
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    /// <summary><c>bind</c> (a new factor being enrolled) or <c>verify</c> (an existing factor used).</summary>
    public required string Purpose { get; init; }
    public string? UserId { get; init; }
    /// <summary>mfa's enrolment or authentication id; for email/SMS codes, notification's code id.</summary>
    public required string MfaId { get; init; }
    /// <summary>Email/SMS codes: the address the code went to.</summary>
    public string? Recipient { get; init; }
    public bool Verified { get; set; }
}

/// <summary>Interactions in Redis, keyed by an opaque id that only the browser's cookie carries; one key per interaction.</summary>
public sealed class InteractionStore(IConnectionMultiplexer redis)
{
    public const string CookieName = "_interaction";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Interaction> CreateAsync(HttpContext context, string clientId, IEnumerable<KeyValuePair<string, string>> parameters, string @event)
    {
        var interaction = new Interaction { Id = SessionService.NewOpaqueId(), ClientId = clientId, Parameters = parameters.ToList() };
        interaction.StartOver(@event);
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
