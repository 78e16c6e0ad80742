using System.Text.Json;

namespace Auth.Platform.Notification.Delivery;

/// <summary>
/// Which code channels the sign-in experience enables, read from signin's public <c>/api/.well-known/sign-in-exp</c>
/// (the same document the hosted UI reads): email when users sign up with an email (first or secondary identifier, always verified), sign in by email code,
/// use an email code as a second factor, or reset a password by email while email is one of their identifiers; the
/// same for phone → <c>sms</c>. The last answer is kept, so a signin outage does not forget a known configuration.
/// </summary>
public sealed class SignInExperienceChannels(IHttpClientFactory clients, IConfiguration configuration, ILogger<SignInExperienceChannels> logger)
{
    public const string HttpClientName = "signin-sign-in-exp";
    private volatile IReadOnlyList<string>? _last;

    public async Task<IReadOnlyList<string>?> EnabledAsync(CancellationToken ct)
    {
        try
        {
            var client = clients.CreateClient(HttpClientName);
            var url = new Uri(new Uri(configuration.GetSigninInternalUrl()), "/api/.well-known/sign-in-exp");
            using var document = JsonDocument.Parse(await client.GetStringAsync(url, ct));
            _last = FromSignInExperience(document.RootElement);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("The sign-in experience could not be read ({Error}); using the last one read", ex.GetType().Name);
        }
        return _last;
    }

    public static IReadOnlyList<string> FromSignInExperience(JsonElement experience)
    {
        var channels = new List<string>();
        if (Enables(experience, "email", "EmailVerificationCode")) channels.Add("email");
        if (Enables(experience, "phone", "PhoneVerificationCode")) channels.Add("sms");
        return channels;
    }

    private static bool Enables(JsonElement experience, string identifier, string factor)
    {
        var signUp = experience.TryGetProperty("signUp", out var up) && up.ValueKind == JsonValueKind.Object
            && (Strings(up, "identifiers").Contains(identifier)
                || up.TryGetProperty("secondaryIdentifiers", out var more) && more.ValueKind == JsonValueKind.Array
                   && more.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Object && x.TryGetProperty("identifier", out var id) && id.GetString() == identifier));
        var methods = experience.TryGetProperty("signIn", out var signIn) && signIn.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Where(x => x.TryGetProperty("identifier", out var id) && id.GetString() == identifier).ToArray()
            : [];
        var byCode = methods.Any(x => x.TryGetProperty("verificationCode", out var v) && v.ValueKind == JsonValueKind.True);
        var mfa = experience.TryGetProperty("mfa", out var f) && Strings(f, "factors").Contains(factor);
        var reset = Strings(experience, "forgotPasswordMethods").Contains(factor) && (signUp || methods.Length > 0);
        return signUp || byCode || mfa || reset;
    }

    private static string[] Strings(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
            : [];
}
