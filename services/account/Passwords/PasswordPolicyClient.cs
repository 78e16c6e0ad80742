using Auth.Platform.Account.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.Passwords;

/// <summary>
/// Asks signin, the owner of the sign-in experience, whether a new password meets its policy
/// (<c>POST /internal/password-policy/check</c>, service token). Not retried: the user is waiting and may simply try again.
/// </summary>
public sealed class PasswordPolicyClient(HttpClient http)
{
    /// <returns>null when the password is accepted, else signin's problem (422 <c>password.rejected</c> with <c>data.issues</c>).</returns>
    public async Task<ProblemHttpResult?> CheckAsync(string password, User user, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/password-policy/check",
            new { password, username = user.Username, email = user.PrimaryEmail, phone = user.PrimaryPhone, name = user.Name }, ct);
        return response.IsSuccessStatusCode ? null : await InternalProblem.RelayAsync(response, ct);
    }

    public static void Register(IHostApplicationBuilder builder) =>
        builder.Services.AddHttpClient<PasswordPolicyClient>(c => c.BaseAddress = new Uri(builder.Configuration["Account:SigninUrl"] ?? "http://signin"))
            .AddHttpMessageHandler<ServiceTokenHandler>().WithoutRetries();
}
