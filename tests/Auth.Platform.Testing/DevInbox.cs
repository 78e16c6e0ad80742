using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Auth.Platform.Testing;

/// <summary>A message the stack's maildev received.</summary>
public sealed record InboxMessage(string Subject, string Text);

/// <summary>Where a person reads what the platform sends in development: maildev's JSON API (<c>GET /api/email</c>).</summary>
public static partial class DevInbox
{
    /// <summary>Every message maildev received for <paramref name="recipient"/> (case-insensitive), in maildev's order (oldest first).</summary>
    public static async Task<List<InboxMessage>> MailToAsync(this PlatformStack stack, string recipient, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = stack.ServiceUrl("maildev") };
        var all = await http.GetFromJsonAsync<JsonElement>("/api/email", ct);
        return [.. all.EnumerateArray()
            .Where(m => m.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetProperty("address").GetString(), recipient, StringComparison.OrdinalIgnoreCase)))
            .Select(m => new InboxMessage(m.GetProperty("subject").GetString() ?? "", m.GetProperty("text").GetString() ?? ""))];
    }

    /// <summary>
    /// The messages to <paramref name="recipient"/> once maildev holds at least <paramref name="atLeast"/> (10 s at most):
    /// notification sends codes after answering, so a message lands shortly after the request that queued it.
    /// </summary>
    public static async Task<List<InboxMessage>> MailToAsync(this PlatformStack stack, string recipient, int atLeast, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            var messages = await stack.MailToAsync(recipient, ct);
            if (messages.Count >= atLeast) return messages;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"{atLeast} email(s) to {recipient} did not arrive in maildev");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>The 6-digit verification code in a message's text.</summary>
    public static string CodeIn(string text) =>
        SixDigits().Match(text).Value is { Length: 6 } code ? code : throw new InvalidOperationException("No code in: " + text);

    [GeneratedRegex(@"\b[0-9]{6}\b")]
    private static partial Regex SixDigits();
}
