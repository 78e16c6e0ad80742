using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.MyAccount;

public sealed record MfaSettings(bool Skipped, bool SkipMfaOnSignIn, bool PasskeySkipped);
public sealed record MfaFactor(string Id, string Type, string? Name, long CreatedAt, long? LastUsedAt, int? RemainCodes);

/// <summary>
/// Typed client of mfa's <c>/internal/mfa</c> (service token): the factors and per-user MFA settings live in mfa; the
/// Account API's gates (account center, scopes, step-up records) live here, so account asks mfa rather than mfa asking
/// account about records. Reads are retried, writes not.
/// </summary>
public sealed class MfaClient(HttpClient http)
{
    public async Task<MfaSettings> GetSettingsAsync(string userId, CancellationToken ct) =>
        (await http.GetFromJsonAsync<MfaSettings>($"/internal/mfa/users/{userId}/settings", ct))!;

    public async Task<MfaSettings> UpdateSettingsAsync(string userId, bool? skipped, bool? skipMfaOnSignIn, bool? passkeySkipped, CancellationToken ct)
    {
        using var response = await http.PatchAsJsonAsync($"/internal/mfa/users/{userId}/settings", new { skipped, skipMfaOnSignIn, passkeySkipped }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<MfaSettings>(ct))!;
    }

    public async Task<MfaFactor[]> ListFactorsAsync(string userId, CancellationToken ct) =>
        (await http.GetFromJsonAsync<MfaFactor[]>($"/internal/mfa/users/{userId}/factors", ct))!;

    /// <returns>null once deleted, else mfa's 404 <c>entity.not_exists_with_id</c>.</returns>
    public async Task<ProblemHttpResult?> DeleteFactorAsync(string userId, string factorId, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"/internal/mfa/users/{userId}/factors/{Uri.EscapeDataString(factorId)}", ct);
        return response.IsSuccessStatusCode ? null : await InternalProblem.RelayAsync(response, ct);
    }

    public static void Register(IHostApplicationBuilder builder) =>
        builder.Services.AddHttpClient<MfaClient>(c => c.BaseAddress = new Uri(builder.Configuration["Account:MfaUrl"] ?? "http://mfa"))
            .AddHttpMessageHandler<ServiceTokenHandler>().WithRetriedReadsOnly();
}
