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
}
