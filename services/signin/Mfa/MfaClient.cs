using System.Net;
using System.Text.Json;
using Auth.Platform.Signin.Accounts;

namespace Auth.Platform.Signin.Mfa;

public sealed record MfaFactor(string Id, string Type, string? Name, long CreatedAt, long? LastUsedAt, int? RemainCodes);
public sealed record TotpEnrolment(string EnrolmentId, string Secret, string OtpAuthUri, string SecretQrCode, long ExpiresAt);
public sealed record BackupCodeEnrolment(string EnrolmentId, string[] Codes, long ExpiresAt);
public sealed record WebAuthnRegistration(string EnrolmentId, JsonElement RegistrationOptions, long ExpiresAt);
public sealed record WebAuthnAuthentication(string AuthenticationId, JsonElement AuthenticationOptions, long ExpiresAt);
public sealed record MfaVerified(string UserId, string FactorId, int? RemainCodes);

/// <summary>
/// A 4xx from mfa: the user's input was refused (wrong code, lockout, bad WebAuthn response). Carried to the browser
/// as is: mfa's codes are Logto's Experience API codes.
/// </summary>
public sealed class MfaRefusedException(int status, string code, string? detail, JsonElement? data, string? retryAfter) : Exception(detail ?? code)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public JsonElement? ProblemData { get; } = data;
    public string? RetryAfter { get; } = retryAfter;
}

/// <summary>Typed client of mfa's <c>/internal/mfa/*</c> API (service discovery name <c>http://mfa</c>).</summary>
public sealed partial class MfaClient(HttpClient http)
{
    public async Task<MfaFactor[]> ListFactorsAsync(string userId, CancellationToken ct) =>
        await SendAsync<MfaFactor[]>(HttpMethod.Get, $"/internal/mfa/users/{E(userId)}/factors", null, ct);

    public Task<TotpEnrolment> StartTotpEnrolmentAsync(string userId, string? accountName, CancellationToken ct) =>
        SendAsync<TotpEnrolment>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/totp/enrolments", new { accountName }, ct);

    public Task VerifyTotpEnrolmentAsync(string userId, string enrolmentId, string code, CancellationToken ct) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/totp/enrolments/{E(enrolmentId)}/verify", new { code }, ct);

    public Task<BackupCodeEnrolment> StartBackupCodeEnrolmentAsync(string userId, CancellationToken ct) =>
        SendAsync<BackupCodeEnrolment>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/backup-codes/enrolments", new { }, ct);

    public Task<WebAuthnRegistration> StartWebAuthnRegistrationAsync(string userId, string? userName, CancellationToken ct) =>
        SendAsync<WebAuthnRegistration>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/webauthn/registrations", new { userName, displayName = userName }, ct);

    public Task VerifyWebAuthnRegistrationAsync(string userId, string enrolmentId, JsonElement payload, CancellationToken ct) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/webauthn/registrations/{E(enrolmentId)}/verify", new { payload }, ct);

    public Task<MfaFactor> BindFactorAsync(string userId, string enrolmentId, string? name, CancellationToken ct, bool replaceExisting = false, bool hasImplicitFactor = false) =>
        SendAsync<MfaFactor>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/enrolments/{E(enrolmentId)}/bind", new { name, replaceExisting, hasImplicitFactor }, ct);

    public Task<MfaVerified> VerifyTotpAsync(string userId, string code, CancellationToken ct) =>
        SendAsync<MfaVerified>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/totp/verify", new { code }, ct);

    public Task<MfaVerified> VerifyBackupCodeAsync(string userId, string code, CancellationToken ct) =>
        SendAsync<MfaVerified>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/backup-codes/verify", new { code }, ct);

    /// <param name="userId">Null for a discoverable (passkey) sign-in.</param>
    public Task<WebAuthnAuthentication> StartWebAuthnAuthenticationAsync(string? userId, CancellationToken ct) =>
        SendAsync<WebAuthnAuthentication>(HttpMethod.Post, "/internal/mfa/webauthn/authentications", new { userId }, ct);

    public Task<MfaVerified> VerifyWebAuthnAuthenticationAsync(string authenticationId, JsonElement payload, CancellationToken ct) =>
        SendAsync<MfaVerified>(HttpMethod.Post, $"/internal/mfa/webauthn/authentications/{E(authenticationId)}/verify", new { payload }, ct);

    private static string E(string value) => Uri.EscapeDataString(value);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync<T>(ct))!;
        var problem = await InternalProblem.ReadAsync(response, ct);
        // 400/404/422/429 with a code are answers about the user's input; anything else (401/403 = our token, 5xx) is mfa failing.
        if (problem?.Code is { } code && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity or HttpStatusCode.TooManyRequests)
            throw new MfaRefusedException((int)response.StatusCode, code, problem.Detail, problem.Data, response.Headers.RetryAfter?.ToString());
        throw new HttpRequestException($"mfa answered {(int)response.StatusCode} {problem?.Code}", null, response.StatusCode);
    }
}

public static class MfaClientExtensions
{
    /// <summary>Needs <c>AddAccountClient</c> first: it registers the service token provider and handler this client shares.</summary>
    public static IHostApplicationBuilder AddMfaClient(this IHostApplicationBuilder builder)
    {
        // A verification is not idempotent: each call counts as an attempt.
        builder.Services.AddHttpClient<MfaClient>(c => c.BaseAddress = new Uri(builder.Configuration["Signin:MfaUrl"] ?? "http://mfa"))
            .AddHttpMessageHandler<ServiceTokenHandler>().WithoutRetries();
        return builder;
    }
}
