using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.Verifications;

/// <summary>
/// Typed client of notification's <c>/internal/verification-codes</c> (service token from <c>ServiceClient</c>, see
/// ServiceDefaults' <c>ClientCredentialsServiceTokenProvider</c>). Never retried: a retried send is a second code (voiding
/// the first), a retried verify a second attempt.
/// </summary>
public sealed class NotificationCodeClient(HttpClient http)
{
    /// <returns>notification's code id, or the problem it answered that the user should see (its Logto code and status:
    /// 429 <c>verification_code.too_many_requests</c>, 503 <c>connector.not_found</c>).</returns>
    public async Task<(string? CodeId, ProblemHttpResult? Problem)> SendAsync(string purpose, string channel, string recipient, string binding,
        CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/verification-codes",
            new { purpose, channel, recipient, interactionId = binding, lifetimeSeconds = (int)VerificationRecord.Lifetime.TotalSeconds }, ct);
        if (response.IsSuccessStatusCode) return ((await response.Content.ReadFromJsonAsync<CreatedCode>(ct))!.VerificationCodeId, null);
        return (null, await ProblemAsync(response, ct));
    }

    /// <returns>null when the code is right, else notification's problem (400 <c>verification_code.*</c>).</returns>
    public async Task<ProblemHttpResult?> VerifyAsync(string codeId, string recipient, string code, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/verification-codes/verify", new { verificationCodeId = codeId, recipient, code }, ct);
        return response.IsSuccessStatusCode ? null : await ProblemAsync(response, ct);
    }

    /// <summary>notification's own coded answers are the user's business (503 <c>connector.not_found</c>: no provider for
    /// the channel, so no code can be sent); anything else means it is not usable now.</summary>
    private static Task<ProblemHttpResult> ProblemAsync(HttpResponseMessage response, CancellationToken ct) =>
        InternalProblem.RelayAsync(response, ct, "connector.not_found");

    private sealed record CreatedCode(string VerificationCodeId);

    public static void Register(IHostApplicationBuilder builder)
    {
        builder.AddClientCredentialsServiceTokens();
        builder.Services.AddHttpClient<NotificationCodeClient>(c => c.BaseAddress = new Uri(builder.Configuration["Account:NotificationUrl"] ?? "http://notification"))
            .AddHttpMessageHandler<ServiceTokenHandler>().WithoutRetries();
    }
}
