using System.Text.Json;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Connectors;
using Auth.Platform.Signin.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Verifications;

public sealed record ExternalAuthorizationUriBody(string? State, string? RedirectUri, string? Scope);
public sealed record ExternalAuthorizationUriResponse(string AuthorizationUri, string VerificationId);
public sealed record ExternalVerifyBody(JsonElement ConnectorData, string? VerificationId);

/// <summary>
/// What social and enterprise SSO verifications share: sso-connector runs the protocol (PKCE, nonce, state, SAML), the
/// interaction keeps a record that names the connector and its connector session, and verify fills the record's
/// <see cref="ExternalIdentity"/>. The two methods differ in their record type and in the connector kind they accept.
/// </summary>
internal static class ExternalConnector
{
    private const int MaxConnectorDataEntries = 32;
    private const int MaxConnectorDataLength = 64 * 1024;

    /// <summary><c>POST …/{connectorId}/authorization-uri {state, redirectUri, scope?}</c> → <c>{authorizationUri, verificationId}</c>.</summary>
    public static async Task<Results<Ok<ExternalAuthorizationUriResponse>, ProblemHttpResult>> StartAsync(ExperienceContext c, string type, string connectorId,
        ExternalAuthorizationUriBody body)
    {
        if (!IsConnectorId(connectorId)) return InvalidConnector();
        if (body.State is not { Length: > 0 and <= 512 } state || !HostileText.IsIdentifier(state)) return InvalidInput("state is required.");
        if (body.RedirectUri is not { Length: > 0 and <= 2048 } redirectUri) return InvalidInput("redirectUri is required.");
        if (body.Scope is { Length: > 1024 }) return InvalidInput("scope is too long.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        var idpInitiated = type == VerificationTypes.EnterpriseSso ? IdpInitiatedSessionId(c.Http) : null;
        var started = await c.Connectors.StartAsync(connectorId, state, redirectUri, body.Scope, c.Cancellation, idpInitiated);
        if (started.Problem is { } refused) return refused;
        // The waiting assertion is this interaction's now (sso-connector takes it once at verify): the cookie has done its job.
        if (idpInitiated is not null && started.Value!.ConnectorSessionId == idpInitiated)
            c.Http.Response.Cookies.Delete(IdpInitiatedSessionCookie, new CookieOptions { Path = "/", HttpOnly = true, Secure = c.Http.Request.IsHttps, SameSite = SameSiteMode.Lax });
        var record = new VerificationRecord { Id = SessionService.NewOpaqueId(), Type = type, ConnectorId = connectorId, ExternalId = started.Value!.ConnectorSessionId };
        interaction!.AddRecord(record);
        return await c.SaveAsync(interaction)
            ? TypedResults.Ok(new ExternalAuthorizationUriResponse(started.Value.AuthorizationUri, record.Id)) : NoInteraction();
    }

    /// <summary>
    /// IdP-initiated SAML (issue 12 pt 6): sso-connector's ACS kept the unsolicited response's identity and set this cookie
    /// (HttpOnly, path <c>/</c>, same public origin) before sending the browser to <c>/oidc/auth</c> (option B) or to the
    /// application, which starts one with <c>direct_sign_in=sso:{id}</c> (option A). The SSO verification of the interaction
    /// that follows hands it to sso-connector, which uses the waiting identity instead of a new IdP round trip.
    /// </summary>
    public const string IdpInitiatedSessionCookie = "_sso_idp_initiated_session";

    private static string? IdpInitiatedSessionId(HttpContext http) =>
        http.Request.Cookies.TryGetValue(IdpInitiatedSessionCookie, out var id) && id is { Length: > 0 and <= 100 } && id.All(char.IsAsciiLetterOrDigit) ? id : null;

    /// <summary><c>POST …/{connectorId}/verify {connectorData, verificationId}</c> → <c>{verificationId}</c>: the callback's parameters go to sso-connector as they came.</summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyAsync(ExperienceContext c, string type, string kind, string connectorId,
        ExternalVerifyBody body)
    {
        if (!IsConnectorId(connectorId)) return InvalidConnector();
        if (body.VerificationId is not { Length: > 0 and <= 100 } verificationId) return InvalidInput("verificationId is required.");
        if (!IsCallbackData(body.ConnectorData)) return InvalidInput("connectorData must be an object of the callback's text parameters.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (interaction!.VerificationRecords.FirstOrDefault(r => r.Id == verificationId && r.Type == type) is not { } record)
            return PlatformProblems.Create(404, "session.verification_session_not_found", "No verification with this id in this interaction.");
        if (record.ConnectorId != connectorId) return PlatformProblems.Create(400, "session.connector_id_mismatch", "The verification was started with another connector.");
        if (record.Verified) return PlatformProblems.Create(400, "session.connector_session_not_found", "This callback was already used.");

        var verified = await c.Connectors.VerifyAsync(connectorId, record.ExternalId!, body.ConnectorData, c.Cancellation);
        if (verified.Problem is { } refused) return refused;
        var identity = verified.Value!;
        // A social connector's id on the SSO route (or the reverse) proves nothing for this method.
        if (identity.Kind != kind) return InvalidConnector();
        record.ExternalIdentity = new ExternalIdentity(identity.Target, identity.ConnectorId, identity.UserInfo.Id,
            JsonSerializer.SerializeToElement(identity.UserInfo, JsonOptions), identity.SyncProfile);
        record.Verified = true;
        return await c.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
    }

    /// <summary>The email the IdP gave, verified or not (Logto's SSO-domain rule refuses on either: refusing is the safe side).</summary>
    public static string? Email(VerificationRecord record) =>
        record.ExternalIdentity?.UserInfo is { ValueKind: JsonValueKind.Object } info && info.TryGetProperty("email", out var email)
        && email.ValueKind == JsonValueKind.String ? email.GetString() : null;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The IdP's normalized user info (id, email and whether it is verified, phone, name, avatar) kept on the record.</summary>
    public static ConnectorUserInfo? UserInfo(VerificationRecord record) =>
        record.ExternalIdentity?.UserInfo is { ValueKind: JsonValueKind.Object } info ? info.Deserialize<ConnectorUserInfo>(JsonOptions) : null;

    /// <summary>
    /// Logto's related user: the account whose address the IdP vouches for, the verified phone first, then the verified
    /// email (case-insensitive: account normalises). An address the IdP does not vouch for is never trusted (sso-connector
    /// already counts <c>trustUnverifiedEmail</c> and SSO domains as vouching).
    /// </summary>
    public static async Task<(AccountIdentifier Identifier, string UserId)?> RelatedUserAsync(ExperienceContext c, ConnectorUserInfo info)
    {
        foreach (var identifier in VouchedIdentifiers(info))
            if (await c.Account.FindUserIdAsync(identifier, c.Cancellation) is { } userId) return (identifier, userId);
        return null;
    }

    /// <summary>A user created from an identity: the IdP's verified email and phone only when well formed and used by nobody (Logto's <c>toSyncedProfile</c>).</summary>
    public static async Task<(string? Email, string? Phone)> UnusedVouchedIdentifiersAsync(ExperienceContext c, ConnectorUserInfo info)
    {
        string? email = null, phone = null;
        foreach (var identifier in VouchedIdentifiers(info))
        {
            AccountIdentifier normalized;
            try { normalized = await c.Account.NormalizeIdentifierAsync(identifier, c.Cancellation); }
            catch (AccountProblemException e) when (e.Status == 400) { continue; }
            if (await c.Account.IdentifierExistsAsync(normalized, c.Cancellation)) continue;
            if (normalized.Type == "email") email = normalized.Value; else phone = normalized.Value;
        }
        return (email, phone);
    }

    private static IEnumerable<AccountIdentifier> VouchedIdentifiers(ConnectorUserInfo info)
    {
        if (info is { PhoneVerified: true, Phone: { Length: > 0 } phone } && HostileText.IsIdentifier(phone)) yield return new("phone", phone);
        if (info is { EmailVerified: true, Email: { Length: > 0 } email } && HostileText.IsIdentifier(email)) yield return new("email", email);
    }

    /// <summary>What account keeps as the identity's details: the user info, its raw provider data only while small.</summary>
    public static JsonElement Details(ConnectorUserInfo info)
    {
        var raw = info.RawData is { } data && data.GetRawText().Length <= MaxRawDetailsLength ? info.RawData : null;
        return JsonSerializer.SerializeToElement(new { id = info.Id, email = info.Email, phone = info.Phone, name = info.Name, avatar = info.Avatar, rawData = raw }, JsonOptions);
    }

    private const int MaxRawDetailsLength = 8 * 1024;

    /// <summary>account keeps names to 128 characters; a longer IdP name is cut rather than failing the sign-up.</summary>
    public static string? BoundedName(string? name) => name is { Length: > 128 } ? name[..128] : name;

    public static AccountSyncedProfile? Synced(ExternalIdentity identity, ConnectorUserInfo info) =>
        identity.SyncProfile ? new AccountSyncedProfile(BoundedName(info.Name), info.Avatar) : null;

    /// <summary>
    /// Submit: writes the interaction's pending identity to the identified user (a new link, or the refreshed details and
    /// synced profile of the identity that signed in). Another user having taken it meanwhile is 422
    /// <c>user.identity_already_in_use</c>, and nothing is signed in.
    /// </summary>
    public static async Task<ProblemHttpResult?> WritePendingIdentityAsync(ExperienceContext c, Interaction interaction)
    {
        if (interaction.IdentityRecordId is not { } recordId || interaction.UserId is not { } userId) return null;
        if (interaction.VerificationRecords.FirstOrDefault(r => r.Id == recordId) is not { ExternalIdentity: { } identity } record
            || UserInfo(record) is not { } info) return null;
        try
        {
            var user = record.Type == VerificationTypes.EnterpriseSso
                ? await c.Account.LinkSsoIdentityAsync(userId, new AccountSsoIdentity(identity.ConnectorId, identity.Target, identity.Subject, Details(info)),
                    Synced(identity, info), c.Cancellation)
                : await c.Account.LinkSocialIdentityAsync(userId, new AccountSocialIdentity(identity.Target, identity.Subject, Details(info)),
                    Synced(identity, info), c.Cancellation);
            interaction.RememberUser(UserSnapshot.From(user));
            return null;
        }
        catch (AccountProblemException e) when (e.Status is 400 or 422)
        {
            return PlatformProblems.Create(e.Status, e.Code, e.Message);
        }
    }

    /// <summary>Logto's 404 when no user holds the identity; <c>data.relatedUser</c> names the account the UI may offer to link.</summary>
    public static ProblemHttpResult IdentityNotExist(AccountIdentifier? related) =>
        PlatformProblems.Create(404, "user.identity_not_exist", "No account is linked to this identity.",
            related is { } r ? new { relatedUser = new { type = r.Type, value = r.Value } } : null);

    private static ProblemHttpResult InvalidConnector() => PlatformProblems.Create(404, "session.invalid_connector_id", "No such connector for this method.");

    private static bool IsConnectorId(string id) => id.Length is > 0 and <= 128 && id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_');

    /// <summary>A callback's query or form: a small object of text values (Apple's <c>user</c> is JSON text too).</summary>
    private static bool IsCallbackData(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.GetRawText().Length <= MaxConnectorDataLength
        && data.EnumerateObject().Count() <= MaxConnectorDataEntries && data.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String);
}
