using System.Net;
using System.Text.Json;
using Auth.Platform.Signin.Accounts;

namespace Auth.Platform.Signin.Notifications;

public sealed record VerificationCodeRequest(
    string Purpose, string Channel, string Recipient, string InteractionId, string Locale, bool Deliver, int LifetimeSeconds, int MaxAttempts);

/// <summary>A problem answered by notification (Logto codes such as <c>verification_code.code_mismatch</c>).</summary>
public sealed class NotificationProblemException(int status, string code, string? detail, JsonElement? data) : Exception(detail ?? code)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public JsonElement? ProblemData { get; } = data;

    /// <summary>notification has no provider for the channel (503): no code can be sent, whoever asks.</summary>
    public const string NoProvider = "connector.not_found";
}

/// <summary>Typed client of notification's <c>/internal/verification-codes</c> (service discovery name <c>http://notification</c>).</summary>
public sealed class NotificationClient(HttpClient http)
{
    /// <returns>notification's code id, which the interaction's verification record keeps.</returns>
    public async Task<string> SendVerificationCodeAsync(VerificationCodeRequest request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/verification-codes", new
        {
            purpose = request.Purpose, channel = request.Channel, recipient = request.Recipient, interactionId = request.InteractionId,
            locale = request.Locale, deliver = request.Deliver, lifetimeSeconds = request.LifetimeSeconds, maxAttempts = request.MaxAttempts,
        }, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<CreatedCode>(ct))!.VerificationCodeId;
    }

    /// <summary>Throws <see cref="NotificationProblemException"/> with notification's code when the code is not accepted.</summary>
    public async Task VerifyCodeAsync(string verificationCodeId, string recipient, string code, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/verification-codes/verify", new { verificationCodeId, recipient, code }, ct);
        await EnsureSuccessAsync(response, ct);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var problem = await InternalProblem.ReadAsync(response, ct);
        // Only notification's own coded answers are the user's business (503 connector.not_found: the channel has no
        // provider, so no code can be sent); anything else means the service is not usable now.
        if (problem?.Code is null || response.StatusCode >= HttpStatusCode.InternalServerError
            && !(response.StatusCode == HttpStatusCode.ServiceUnavailable && problem.Code == NotificationProblemException.NoProvider))
            throw new HttpRequestException($"notification answered {(int)response.StatusCode}", null, response.StatusCode);
        throw new NotificationProblemException((int)response.StatusCode, problem.Code, problem.Detail, problem.Data);
    }

    private sealed record CreatedCode(string VerificationCodeId);
}

public static class NotificationClientExtensions
{
    public static IHostApplicationBuilder AddNotificationClient(this IHostApplicationBuilder builder)
    {
        // A retried send is another code (voiding the first); each verify counts as an attempt.
        builder.Services.AddHttpClient<NotificationClient>(c => c.BaseAddress = new Uri(builder.Configuration["Signin:NotificationUrl"] ?? "http://notification"))
            .AddHttpMessageHandler<ServiceTokenHandler>().WithoutRetries();
        return builder;
    }
}
