using System.Text.Json;
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
        var started = await c.Connectors.StartAsync(connectorId, state, redirectUri, body.Scope, c.Cancellation);
        if (started.Problem is { } refused) return refused;
        var record = new VerificationRecord { Id = SessionService.NewOpaqueId(), Type = type, ConnectorId = connectorId, ExternalId = started.Value!.ConnectorSessionId };
        interaction!.AddRecord(record);
        return await c.SaveAsync(interaction)
            ? TypedResults.Ok(new ExternalAuthorizationUriResponse(started.Value.AuthorizationUri, record.Id)) : NoInteraction();
    }

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
            JsonSerializer.SerializeToElement(identity.UserInfo, JsonOptions));
        record.Verified = true;
        return await c.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
    }

    /// <summary>The email the IdP gave, verified or not (Logto's SSO-domain rule refuses on either: refusing is the safe side).</summary>
    public static string? Email(VerificationRecord record) =>
        record.ExternalIdentity?.UserInfo is { ValueKind: JsonValueKind.Object } info && info.TryGetProperty("email", out var email)
        && email.ValueKind == JsonValueKind.String ? email.GetString() : null;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static ProblemHttpResult InvalidConnector() => PlatformProblems.Create(404, "session.invalid_connector_id", "No such connector for this method.");

    private static bool IsConnectorId(string id) => id.Length is > 0 and <= 128 && id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_');

    /// <summary>A callback's query or form: a small object of text values (Apple's <c>user</c> is JSON text too).</summary>
    private static bool IsCallbackData(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.GetRawText().Length <= MaxConnectorDataLength
        && data.EnumerateObject().Count() <= MaxConnectorDataEntries && data.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String);
}
