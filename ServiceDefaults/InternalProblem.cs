using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The RFC 9457 body another platform service answers with (ServiceDefaults' <c>PlatformProblems</c>): its stable
/// <c>code</c>, the <c>detail</c> and optional <c>data</c>. Shared by every service's clients of another's /internal/* (signin's of account, mfa, notification; account's of notification).
/// </summary>
public sealed record InternalProblem(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("data")] JsonElement? Data)
{
    /// <summary>The problem in a failed response, or null when the body is empty or not a problem.</summary>
    public static async Task<InternalProblem?> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        // As a string, not a stream: the buffered content's stream is disposed after one read, and a problem may be read twice.
        var text = await response.Content.ReadAsStringAsync(ct);
        try { return string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<InternalProblem>(text); }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// A refusal of another service relayed to the user as this service's own answer (same status, code, detail, data): a
    /// coded 4xx, or a 5xx whose code is in <paramref name="userFacing5xxCodes"/> (e.g. 503 <c>connector.not_found</c>).
    /// Anything else means the dependency is not usable now: <see cref="HttpRequestException"/>.
    /// </summary>
    public static async Task<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult> RelayAsync(HttpResponseMessage response, CancellationToken ct,
        params string[] userFacing5xxCodes)
    {
        var problem = await ReadAsync(response, ct);
        if (problem?.Code is not { } code || (int)response.StatusCode >= 500 && !userFacing5xxCodes.Contains(code))
            throw new HttpRequestException($"{response.RequestMessage?.RequestUri?.Host} answered {(int)response.StatusCode}", null, response.StatusCode);
        return PlatformProblems.Create((int)response.StatusCode, code, problem.Detail, problem.Data);
    }
}
